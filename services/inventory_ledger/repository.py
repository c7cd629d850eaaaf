"""SQL on the inventory-ledger's own tables. Every change to stock is a conditional update."""

import json
from typing import Any
from uuid import UUID

import asyncpg

from services.inventory_ledger.domain import StockRow
from shared.events.inventory import Allocation

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


async def best_availability(conn: asyncpg.Connection, sku: str, locations: tuple[str, ...]) -> int:
    value = await conn.fetchval(
        "SELECT coalesce(max(on_hand - reserved), 0) FROM stock"
        " WHERE sku = $1 AND location = ANY($2)",
        sku,
        list(locations),
    )
    return int(value)


async def has_verdict(conn: asyncpg.Connection, order_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM reservations WHERE order_id = $1", order_id))


async def record_verdict(
    conn: asyncpg.Connection, order_id: UUID, status: str, allocations: list[Allocation]
) -> None:
    await conn.execute(
        "INSERT INTO reservations (order_id, status, allocations) VALUES ($1, $2, $3)",
        order_id,
        status,
        [json.loads(a.model_dump_json()) for a in allocations],
    )


async def set_on_hand(conn: asyncpg.Connection, sku: str, location: str, on_hand: int) -> StockRow:
    """Raises asyncpg.CheckViolationError when on_hand would fall below what is reserved."""
    record = await conn.fetchrow(
        "INSERT INTO stock (sku, location, on_hand) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand,"
        " version = stock.version + 1, updated_at = now()"
        f" RETURNING {_COLUMNS}",
        sku,
        location,
        on_hand,
    )
    return _row(record)


async def stock_of(conn: asyncpg.Connection, sku: str) -> list[StockRow]:
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM stock WHERE sku = $1 ORDER BY location", sku
    )
    return [_row(r) for r in records]
