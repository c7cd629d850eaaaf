"""Use case: an inventory snapshot from a legacy system (a CSV of counts per SKU).

Per feed, a snapshot either overwrites the ledger (each count becomes on hand — a count
adjustment, recorded as a movement and announced as a stock level) or only reports how
the ledger differs from it. Each row stands alone: a bad one (a location or SKU the
ledger does not know — with the nearest known SKU as a hint —, a count that is not a
whole number, a count below what is reserved) is reported by line and the good ones go
through; a row the ledger agrees with changes nothing. Two rows counting the same SKU at
the same location differently are both refused: which one is right cannot be known. The
feed's "not stocked" (and, where it says so, an empty count) removes the SKU from the
location (nothing on hand there); a negative count is an alert for a person, never
applied and never dropped. A snapshot recounts known SKUs at known locations; it never
creates either.
"""

import difflib
from dataclasses import dataclass

import structlog

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.csvfeed import FeedReport, Row, rows, whole_number
from shared.db import UnitOfWork
from shared.events.bounds import MAX_QUANTITY, sku_problem
from shared.feeds import FeedConfig

log = structlog.get_logger(__name__)
NOT_STOCKED = None  # a count that says the location does not stock the SKU


@dataclass(frozen=True)
class Count:
    line: int
    sku: str
    location: str
    counted: int | None  # None: not stocked there


def _column(feed: FeedConfig, ours: str) -> str:
    return feed.columns.get(ours, ours).strip().lower()


async def take_snapshot(feed: FeedConfig, name: str, data: bytes, uow: UnitOfWork) -> FeedReport:
    report = FeedReport()
    required = [_column(feed, "sku"), _column(feed, "quantity")]
    if feed.location is None:
        required.append(_column(feed, "location"))
    conn = uow.connection
    locations, skus = await repository.known_locations(conn), await repository.known_skus(conn)
    counts = []
    for row in rows(data, tuple(required), report, feed.encoding):
        try:
            counts.append(_read(feed, row, locations, skus))
        except ValueError as exc:
            report.problem(row.line, str(exc))
    for count in _unambiguous(counts, report):
        if count.counted is not None and count.counted < 0:
            _alert(report, count)
            continue
        await _take(uow, feed, count, report)
    return report


def _read(feed: FeedConfig, row: Row, locations: set[str], skus: set[str]) -> Count:
    sku = row.values.get(_column(feed, "sku"), "")
    if not sku:
        raise ValueError(f"{_column(feed, 'sku')}: empty")
    problem = sku_problem(sku)
    if problem:
        raise ValueError(problem)
    location = feed.location or row.values.get(_column(feed, "location"), "")
    if location not in locations:
        raise ValueError(f"location {location!r} is not one the ledger knows")
    if sku not in skus:
        nearest = difflib.get_close_matches(sku, skus, n=1, cutoff=0.6)
        hint = f" (nearest: {nearest[0]})" if nearest else ""
        raise ValueError(f"{sku} is not a SKU the ledger knows{hint}")
    return Count(row.line, sku, location, _counted(feed, row))


def _counted(feed: FeedConfig, row: Row) -> int | None:
    column = _column(feed, "quantity")
    raw = row.values.get(column, "").strip()
    if raw.lower() in {v.strip().lower() for v in feed.not_stocked}:
        return NOT_STOCKED
    if not raw and feed.empty_is_not_stocked:
        return NOT_STOCKED
    return whole_number(row, column, minimum=-MAX_QUANTITY)


def _unambiguous(counts: list[Count], report: FeedReport) -> list[Count]:
    """The counts no other row contradicts; contradicting rows are each a problem."""
    lines: dict[tuple[str, str], list[Count]] = {}
    for count in counts:
        lines.setdefault((count.sku, count.location), []).append(count)
    kept = []
    for (sku, location), same in lines.items():
        if len({c.counted for c in same}) == 1:
            kept.append(same[0])
            continue
        where = ", ".join(str(c.line) for c in same)
        for count in same:
            report.problem(
                count.line, f"{sku} at {location} is counted differently on lines {where}"
            )
    return sorted(kept, key=lambda c: c.line)


def _alert(report: FeedReport, count: Count) -> None:
    report.alerts.append(
        {"line": count.line, "sku": count.sku, "location": count.location, "count": count.counted}
    )
    log.warning("negative count in a snapshot", sku=count.sku, location=count.location)


async def _take(uow: UnitOfWork, feed: FeedConfig, count: Count, report: FeedReport) -> None:
    held = {r.location: r for r in await repository.stock_of(uow.connection, count.sku)}
    row = held.get(count.location)
    on_hand, reserved = (row.on_hand, row.reserved) if row else (0, 0)
    counted = 0 if count.counted is None else count.counted
    if counted == on_hand:
        return
    difference = {"line": count.line, "sku": count.sku, "location": count.location}
    report.differences.append(
        {
            **difference,
            "ledger": on_hand,
            "counted": count.counted if count.counted is not None else "not stocked",
        }
    )
    if feed.mode == "report":
        return
    if counted < reserved:
        report.problem(
            count.line,
            f"{count.sku} at {count.location}: counted {counted} is below the {reserved} reserved",
        )
        return
    await _overwrite(uow, count.sku, count.location, counted)
    report.applied += 1


async def _overwrite(uow: UnitOfWork, sku: str, location: str, counted: int) -> None:
    row, delta = await repository.set_on_hand(uow.connection, sku, location, counted)
    await repository.record_movement(uow.connection, row, "count", delta, 0)
    await uow.outbox.add(level_changed(row, None), key=sku)
