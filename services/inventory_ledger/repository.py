"""SQL on the inventory-ledger's own tables. Every change to stock is a conditional update."""

import json
from typing import Any
from uuid import UUID

import asyncpg

from services.inventory_ledger.domain import StockRow
from shared.events.inventory import Allocation, StockCounted

_COLUMNS = "sku, location, on_hand, reserved, version"


def _row(record: Any) -> StockRow:
    return StockRow(**dict(record))


async def try_reserve_at(
    conn: asyncpg.Connection, sku: str, location: str, quantity: int
) -> StockRow | None:
    """Reserve at one location if, at this instant, it has enough; None otherwise."""
    record = await conn.fetchrow(
        "UPDATE stock SET reserved = reserved + $3, version = version + 1, updated_at = now()"
        " WHERE sku = $1 AND location = $2 AND on_hand - reserved >= $3"
        f" RETURNING {_COLUMNS}",
        sku,
        location,
        quantity,
    )
    return _row(record) if record else None


async def reserve_up_to(
    conn: asyncpg.Connection, sku: str, location: str, quantity: int
) -> tuple[StockRow, int] | None:
    """Reserve as much of `quantity` as the location has free, in one statement: the row is
    locked, its free units read and taken together. None when it has nothing free."""
    record = await conn.fetchrow(
        "WITH free AS (SELECT least($3, on_hand - reserved) AS take FROM stock"
        "   WHERE sku = $1 AND location = $2 AND on_hand > reserved FOR UPDATE)"
        " UPDATE stock SET reserved = reserved + free.take, version = version + 1,"
        " updated_at = now() FROM free WHERE sku = $1 AND location = $2"
        f" RETURNING {', '.join('stock.' + c for c in _COLUMNS.split(', '))}, free.take",
        sku,
        location,
        quantity,
    )
    if record is None:
        return None
    fields = dict(record)
    take = int(fields.pop("take"))
    return StockRow(**fields), take


async def best_availability(conn: asyncpg.Connection, sku: str, locations: tuple[str, ...]) -> int:
    value = await conn.fetchval(
        "SELECT coalesce(max(on_hand - reserved), 0) FROM stock"
        " WHERE sku = $1 AND location = ANY($2)",
        sku,
        list(locations),
    )
    return int(value)


async def lock_reservation(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT status, allocations FROM reservations WHERE order_id = $1 FOR UPDATE", order_id
    )
    return dict(record) if record else None


async def mark_handed_over(conn: asyncpg.Connection, order_id: UUID) -> None:
    await conn.execute(
        "UPDATE reservations SET status = 'handed_over' WHERE order_id = $1", order_id
    )


async def set_holding(
    conn: asyncpg.Connection, order_id: UUID, allocations: list[Allocation]
) -> None:
    """What the order still holds reserved; nothing left makes it 'released'."""
    await conn.execute(
        "UPDATE reservations SET allocations = $2,"
        " status = CASE WHEN $3 THEN 'released' ELSE status END WHERE order_id = $1",
        order_id,
        [json.loads(a.model_dump_json()) for a in allocations],
        not allocations,
    )


async def hold(conn: asyncpg.Connection, order_id: UUID, allocations: list[Allocation]) -> None:
    """What the order still holds reserved, after some of it shipped."""
    await conn.execute(
        "UPDATE reservations SET allocations = $2 WHERE order_id = $1",
        order_id,
        [json.loads(a.model_dump_json()) for a in allocations],
    )


async def release(conn: asyncpg.Connection, sku: str, location: str, quantity: int) -> StockRow:
    record = await conn.fetchrow(
        "UPDATE stock SET reserved = reserved - $3, version = version + 1, updated_at = now()"
        f" WHERE sku = $1 AND location = $2 RETURNING {_COLUMNS}",
        sku,
        location,
        quantity,
    )
    return _row(record)


async def is_settled(conn: asyncpg.Connection, order_id: UUID) -> bool:
    """True once the order holds (or held) stock; a rejected order may be tried again."""
    return bool(
        await conn.fetchval(
            "SELECT true FROM reservations WHERE order_id = $1 AND status <> 'rejected'",
            order_id,
        )
    )


async def record_verdict(
    conn: asyncpg.Connection, order_id: UUID, status: str, allocations: list[Allocation]
) -> None:
    await conn.execute(
        "INSERT INTO reservations (order_id, status, allocations) VALUES ($1, $2, $3)"
        " ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status,"
        " allocations = EXCLUDED.allocations",
        order_id,
        status,
        [json.loads(a.model_dump_json()) for a in allocations],
    )


async def set_on_hand(
    conn: asyncpg.Connection, sku: str, location: str, on_hand: int
) -> tuple[StockRow, int]:
    """The row after the change and the change in on hand.

    Raises asyncpg.CheckViolationError when on_hand would fall below what is reserved.
    The row is created (empty) first and then locked, so two first receipts of the same
    item cannot both believe they started from zero.
    """
    await conn.execute(
        "INSERT INTO stock (sku, location, on_hand) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
        sku,
        location,
    )
    before = await conn.fetchval(
        "SELECT on_hand FROM stock WHERE sku = $1 AND location = $2 FOR UPDATE", sku, location
    )
    record = await conn.fetchrow(
        "UPDATE stock SET on_hand = $3, version = version + 1, updated_at = now()"
        f" WHERE sku = $1 AND location = $2 RETURNING {_COLUMNS}",
        sku,
        location,
        on_hand,
    )
    return _row(record), on_hand - int(before)


async def commit_dispatched(
    conn: asyncpg.Connection, sku: str, location: str, quantity: int, reserved: int
) -> StockRow | None:
    """Units left the building: on hand falls by all of them, reserved by the `reserved`
    of them the order held there. None when the rest is more than is free."""
    record = await conn.fetchrow(
        "UPDATE stock SET on_hand = on_hand - $3, reserved = reserved - $4,"
        " version = version + 1, updated_at = now()"
        " WHERE sku = $1 AND location = $2 AND reserved >= $4"
        " AND on_hand - $3 >= reserved - $4"
        f" RETURNING {_COLUMNS}",
        sku,
        location,
        quantity,
        reserved,
    )
    return _row(record) if record else None


async def receive_back(
    conn: asyncpg.Connection, sku: str, location: str, quantity: int
) -> StockRow:
    """Units back on the shelf (zero for a write-off, which only needs the row)."""
    record = await conn.fetchrow(
        "INSERT INTO stock (sku, location, on_hand) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku, location) DO UPDATE SET on_hand = stock.on_hand + $3,"
        " version = stock.version + 1, updated_at = now()"
        f" RETURNING {_COLUMNS}",
        sku,
        location,
        quantity,
    )
    return _row(record)


async def record_movement(
    conn: asyncpg.Connection,
    row: StockRow,
    kind: str,
    on_hand_delta: int,
    reserved_delta: int,
    order_id: UUID | None = None,
    source_event_id: UUID | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO stock_movements (sku, location, kind, on_hand_delta, reserved_delta,"
        " order_id, source_event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        row.sku,
        row.location,
        kind,
        on_hand_delta,
        reserved_delta,
        order_id,
        source_event_id,
    )


async def audit(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Items whose stock differs from the sum of their movements (none, if all is well)."""
    records = await conn.fetch(
        "SELECT sku, location, s.on_hand, s.reserved,"
        " m.on_hand AS movements_on_hand, m.reserved AS movements_reserved"
        " FROM stock s FULL JOIN (SELECT sku, location, sum(on_hand_delta) AS on_hand,"
        " sum(reserved_delta) AS reserved FROM stock_movements GROUP BY sku, location) m"
        " USING (sku, location)"
        " WHERE coalesce(s.on_hand, 0) <> coalesce(m.on_hand, 0)"
        " OR coalesce(s.reserved, 0) <> coalesce(m.reserved, 0)"
    )
    return [dict(r) for r in records]


async def stock_of(conn: asyncpg.Connection, sku: str) -> list[StockRow]:
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM stock WHERE sku = $1 ORDER BY location", sku
    )
    return [_row(r) for r in records]


async def known_locations(conn: asyncpg.Connection) -> set[str]:
    return {r["location"] for r in await conn.fetch("SELECT DISTINCT location FROM stock")}


async def known_skus(conn: asyncpg.Connection) -> set[str]:
    return {r["sku"] for r in await conn.fetch("SELECT DISTINCT sku FROM stock")}


async def lock_stock(conn: asyncpg.Connection, sku: str, location: str) -> tuple[int, int]:
    """(on hand, reserved) of the row, created empty if new, locked for this transaction."""
    await conn.execute(
        "INSERT INTO stock (sku, location, on_hand) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
        sku,
        location,
    )
    record = await conn.fetchrow(
        "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location = $2 FOR UPDATE",
        sku,
        location,
    )
    return int(record["on_hand"]), int(record["reserved"])


async def newer_count(conn: asyncpg.Connection, count: StockCounted) -> bool:
    """Keep the channel's count unless a newer one is had; False: it is older."""
    taken = await conn.fetchval(
        "INSERT INTO channel_counts (sku, location, channel, available, counted_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sku, location) DO UPDATE"
        " SET channel = EXCLUDED.channel, available = EXCLUDED.available,"
        " counted_at = EXCLUDED.counted_at, taken_at = now()"
        " WHERE channel_counts.counted_at <= EXCLUDED.counted_at RETURNING true",
        count.sku,
        count.location,
        count.channel,
        count.available,
        count.counted_at,
    )
    return bool(taken)
