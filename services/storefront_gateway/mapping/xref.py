"""SKU cross-reference tables: data, loaded from CSV, queried by mappings and the API.

The CSV has a `sku` column and one column per other system (`item_number`, `barcode`,
...); each non-empty cell says "in that system, this product is called so". A row that
cannot be used is reported with its line number; the good rows are loaded.
"""

import csv
import io
from dataclasses import dataclass, field

import asyncpg

from shared.events.bounds import sku_problem


@dataclass
class XrefLoad:
    loaded: int = 0
    problems: list[str] = field(default_factory=list)


def parse_csv(text: str) -> tuple[list[tuple[str, str, str]], XrefLoad]:
    """(system, identifier, sku) triples, and what was wrong, by line."""
    report = XrefLoad()
    sample = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(sample), dialect=dialect)
    if not reader.fieldnames or "sku" not in [f.strip() for f in reader.fieldnames]:
        report.problems.append("line 1: no 'sku' column")
        return [], report
    triples: dict[tuple[str, str], str] = {}
    for row in reader:
        line = reader.line_num
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        sku = cells.pop("sku", "")
        if not sku:
            if any(cells.values()):
                report.problems.append(f"line {line}: no sku")
            continue
        problem = sku_problem(sku)
        if problem:
            report.problems.append(f"line {line}: {problem}")
            continue
        for system, identifier in cells.items():
            if not identifier or not system:
                continue
            known = triples.get((system, identifier))
            if known not in (None, sku):
                report.problems.append(
                    f"line {line}: {system} {identifier!r} is already {known}, not {sku}"
                )
                continue
            triples[(system, identifier)] = sku
    rows = [(system, identifier, sku) for (system, identifier), sku in triples.items()]
    report.loaded = len(rows)
    return rows, report


async def store(conn: asyncpg.Connection, rows: list[tuple[str, str, str]]) -> None:
    await conn.executemany(
        "INSERT INTO sku_xref (system, identifier, sku) VALUES ($1, $2, $3)"
        " ON CONFLICT (system, identifier) DO UPDATE SET sku = EXCLUDED.sku, updated_at = now()",
        rows,
    )


async def sku_for(conn: asyncpg.Connection, system: str, identifier: str) -> str | None:
    value = await conn.fetchval(
        "SELECT sku FROM sku_xref WHERE system = $1 AND identifier = $2", system, identifier
    )
    return str(value) if value is not None else None


async def identifiers_of(conn: asyncpg.Connection, sku: str) -> dict[str, list[str]]:
    records = await conn.fetch(
        "SELECT system, identifier FROM sku_xref WHERE sku = $1 ORDER BY system, identifier", sku
    )
    found: dict[str, list[str]] = {}
    for r in records:
        found.setdefault(r["system"], []).append(r["identifier"])
    return found
