"""Real-world CSV, read carefully: a UTF-8 byte-order mark, CRLF or LF, quoted fields
with commas or newlines, `,` `;` or tab as delimiter (sniffed from the header), blank
rows, repeated rows. Each row comes with its line number; a row that cannot be used is
reported by that number and the rest go through.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.events.bounds import MAX_QUANTITY


class CsvFeedError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


@dataclass
class FeedReport:
    rows: int = 0
    applied: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, line: int, reason: str) -> None:
        self.problems.append({"line": line, "reason": reason})

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append({"line": line, "reason": reason})


def rows(data: bytes, required: tuple[str, ...], report: FeedReport) -> Iterator[Row]:
    """The file's rows as {column: value}, columns named as in `required` whatever their
    case or surrounding spaces; blank and repeated rows are skipped and reported."""
    text = data.decode("utf-8-sig")
    # The header says which delimiter the file uses; quoting is the usual ("" for ").
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise CsvFeedError("the file is empty: no header row")
    names = [h.strip().lower() for h in header]
    missing = [r for r in required if r not in names]
    if missing:
        raise CsvFeedError(
            f"line 1: missing column(s) {', '.join(missing)} (found {', '.join(names)})"
        )
    seen: dict[tuple[str, ...], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        key = tuple(c.strip() for c in cells)
        if key in seen:
            report.skip(line, f"repeats line {seen[key]}")
            continue
        seen[key] = line
        report.rows += 1
        if len(cells) != len(names):
            report.problem(line, f"{len(cells)} fields where the header has {len(names)}")
            continue
        if any("\x00" in c for c in cells):
            report.problem(line, "a NUL character, which cannot be stored")
            continue
        yield Row(line, {n: c.strip() for n, c in zip(names, cells, strict=True)})


def whole_number(row: Row, column: str, minimum: int = 0, maximum: int = MAX_QUANTITY) -> int:
    """A count in range: one row's bad count is that row's problem, never the file's."""
    value = row.values.get(column, "").replace(" ", "")
    if len(value) > 12 or not value.lstrip("-").isdigit():
        raise ValueError(f"{column}: {value[:20]!r} is not a whole number")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{column}: {number} is below {minimum}")
    if number > maximum:
        raise ValueError(f"{column}: {number} is above the {maximum} a count may be")
    return number
