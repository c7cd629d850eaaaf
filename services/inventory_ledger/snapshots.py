"""Use case: an inventory snapshot from a legacy system (a CSV of counts per SKU).

Per feed, a snapshot either overwrites the ledger (each count becomes on hand — a count
adjustment, recorded as a movement and announced as a stock level) or only reports how
the ledger differs from it. Each row stands alone: a bad one (a location the ledger does
not know, a count that is not a whole number, a count below what is reserved) is
reported by line and the good ones go through; a row the ledger agrees with changes
nothing. A snapshot recounts known locations; it never creates one.
"""

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.csvfeed import FeedReport, Row, rows, whole_number
from shared.db import UnitOfWork
from shared.events.bounds import sku_problem
from shared.feeds import FeedConfig


def _column(feed: FeedConfig, ours: str) -> str:
    return feed.columns.get(ours, ours).strip().lower()


async def take_snapshot(feed: FeedConfig, name: str, data: bytes, uow: UnitOfWork) -> FeedReport:
    report = FeedReport()
    required = [_column(feed, "sku"), _column(feed, "quantity")]
    if feed.location is None:
        required.append(_column(feed, "location"))
    known = await repository.known_locations(uow.connection)
    for row in rows(data, tuple(required), report):
        try:
            sku, location, counted = _read(feed, row, known)
        except ValueError as exc:
            report.problem(row.line, str(exc))
            continue
        held = {r.location: r for r in await repository.stock_of(uow.connection, sku)}.get(location)
        on_hand, reserved = (held.on_hand, held.reserved) if held else (0, 0)
        if counted == on_hand:
            continue
        report.differences.append(
            {
                "line": row.line,
                "sku": sku,
                "location": location,
                "ledger": on_hand,
                "counted": counted,
            }
        )
        if feed.mode == "report":
            continue
        if counted < reserved:
            report.problem(
                row.line, f"{sku} at {location}: counted {counted} is below the {reserved} reserved"
            )
            continue
        await _overwrite(uow, sku, location, counted)
        report.applied += 1
    return report


def _read(feed: FeedConfig, row: Row, known: set[str]) -> tuple[str, str, int]:
    sku = row.values.get(_column(feed, "sku"), "")
    if not sku:
        raise ValueError(f"{_column(feed, 'sku')}: empty")
    problem = sku_problem(sku)
    if problem:
        raise ValueError(problem)
    location = feed.location or row.values.get(_column(feed, "location"), "")
    if location not in known:
        raise ValueError(f"location {location!r} is not one the ledger knows")
    return sku, location, whole_number(row, _column(feed, "quantity"))


async def _overwrite(uow: UnitOfWork, sku: str, location: str, counted: int) -> None:
    row, delta = await repository.set_on_hand(uow.connection, sku, location, counted)
    await repository.record_movement(uow.connection, row, "count", delta, 0)
    await uow.outbox.add(level_changed(row, None), key=sku)
