"""Real-world CSV, read carefully: UTF-8 (with or without a byte-order mark) or a legacy
Windows/Latin-1 export (detected, or named per feed), CRLF or LF, quoted fields
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
    alerts: list[dict[str, Any]] = field(default_factory=list)  # for a person to look at
    encoding: str = ""

    def problem(self, line: int, reason: str) -> None:
        self.problems.append({"line": line, "reason": reason})

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append({"line": line, "reason": reason})


def decoded(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The file's text and the encoding it was read in. `auto`: UTF-8 when it is valid
    UTF-8 (a legacy export almost never is), else Windows-1252 (what Excel and most
    Windows systems write), else Latin-1 (which reads any byte)."""
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise CsvFeedError(f"the file is not {encoding}: {exc}") from exc
    for candidate in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(candidate), candidate.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    raise CsvFeedError("the file's encoding cannot be read")  # latin-1 reads any byte


def rows(
    data: bytes, required: tuple[str, ...], report: FeedReport, encoding: str = "auto"
) -> Iterator[Row]:
    """The file's rows as {column: value}, columns named as in `required` whatever their
    case or surrounding spaces; blank and repeated rows are skipped and reported."""
    text, report.encoding = decoded(data, encoding)
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
