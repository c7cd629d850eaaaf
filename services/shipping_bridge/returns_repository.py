"""SQL on the shipping-bridge's `returns`: goods a 3PL should expect back, and what it
reported receiving — announced by the order-router, or reported by the 3PL unasked."""

from typing import Any
from uuid import UUID

import asyncpg

from shared.events.returns import ReceivedLine, ReturnExpected


async def insert_return(conn: asyncpg.Connection, notice: ReturnExpected) -> None:
    await conn.execute(
        "INSERT INTO returns (return_id, order_id, correlation_id, shipment_id, fulfiller,"
        " location, lines) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        notice.return_id,
        notice.order_id,
        notice.correlation_id,
        notice.shipment_id,
        notice.fulfiller,
        notice.location,
        {line.sku: line.quantity for line in notice.lines},
    )


async def expected_returns(conn: asyncpg.Connection, fulfiller: str) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT return_id, shipment_id, location, lines, created_at FROM returns"
        " WHERE fulfiller = $1 AND status = 'expected' ORDER BY created_at",
        fulfiller,
    )
    return [dict(r) for r in records]


async def lock_return(
    conn: asyncpg.Connection, return_id: UUID, fulfiller: str
) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT * FROM returns WHERE return_id = $1 AND fulfiller = $2 FOR UPDATE",
        return_id,
        fulfiller,
    )
    return dict(record) if record else None


async def mark_received(
    conn: asyncpg.Connection, return_id: UUID, lines: list[ReceivedLine]
) -> None:
    await conn.execute(
        "UPDATE returns SET status = 'received', received = $2 WHERE return_id = $1",
        return_id,
        [line.model_dump() for line in lines],
    )


async def shipments_for_return(
    conn: asyncpg.Connection, fulfiller: str, shipment_id: UUID | None, order_name: str | None
) -> list[dict[str, Any]]:
    """This 3PL's shipments a return names: by our shipment id, else by the channel's
    order name (which two channels may share: then more than one)."""
    records = await conn.fetch(
        "SELECT shipment_id, order_id, correlation_id, location, channel, channel_order_name"
        " FROM shipments WHERE fulfiller = $1"
        " AND (shipment_id = $2 OR ($2::uuid IS NULL AND channel_order_name = $3))",
        fulfiller,
        shipment_id,
        order_name,
    )
    return [dict(r) for r in records]


async def returned_so_far(conn: asyncpg.Connection, shipment_id: UUID) -> dict[str, int]:
    """Units of each SKU already reported back for this shipment."""
    records = await conn.fetch(
        "SELECT received FROM returns WHERE shipment_id = $1 AND status = 'received'",
        shipment_id,
    )
    back: dict[str, int] = {}
    for record in records:
        for line in record["received"] or []:
            back[line["sku"]] = back.get(line["sku"], 0) + int(line["quantity"])
    return back


async def insert_received(
    conn: asyncpg.Connection,
    return_id: UUID,
    shipment: dict[str, Any],
    fulfiller: str,
    lines: list[ReceivedLine],
) -> bool:
    """A return the 3PL reported without being told to expect it; False: already had."""
    inserted = await conn.fetchval(
        "INSERT INTO returns (return_id, order_id, correlation_id, shipment_id, fulfiller,"
        " location, lines, status, received) VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8)"
        " ON CONFLICT DO NOTHING RETURNING true",
        return_id,
        shipment["order_id"],
        shipment["correlation_id"],
        shipment["shipment_id"],
        fulfiller,
        shipment["location"],
        _per_sku(lines),
        [line.model_dump() for line in lines],
    )
    return bool(inserted)


def _per_sku(lines: list[ReceivedLine]) -> dict[str, int]:
    total: dict[str, int] = {}
    for line in lines:
        total[line.sku] = total.get(line.sku, 0) + line.quantity
    return total
