"""SQL on the order-router's own tables."""

import json
from typing import Any
from uuid import UUID

import asyncpg

from shared.events.envelope import Event
from shared.events.orders import OrderPlaced, OrderStatus


def _jsonable(model: Any) -> Any:
    return json.loads(model.model_dump_json())


async def insert_order(conn: asyncpg.Connection, order: OrderPlaced) -> bool:
    """False when the order already exists (the same channel order placed again)."""
    inserted = await conn.fetchval(
        "INSERT INTO orders (order_id, channel, channel_order_ref, channel_order_name,"
        " status, placed) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT DO NOTHING RETURNING true",
        order.order_id,
        order.channel,
        order.channel_order_ref,
        order.channel_order_name,
        OrderStatus.PLACED.value,
        _jsonable(order),
    )
    return bool(inserted)


async def lock_order(conn: asyncpg.Connection, order_id: UUID) -> tuple[OrderStatus, str] | None:
    """The order's status and channel, locked until the transaction ends."""
    record = await conn.fetchrow(
        "SELECT status, channel FROM orders WHERE order_id = $1 FOR UPDATE", order_id
    )
    return (OrderStatus(record["status"]), record["channel"]) if record else None


async def set_status(
    conn: asyncpg.Connection,
    order_id: UUID,
    status: OrderStatus,
    reason: str | None,
    allocations: list[Any],
) -> None:
    await conn.execute(
        "UPDATE orders SET status = $2, reason = $3, allocations = $4, updated_at = now()"
        " WHERE order_id = $1",
        order_id,
        status.value,
        reason,
        [_jsonable(a) for a in allocations],
    )


async def append_timeline(
    conn: asyncpg.Connection, order_id: UUID, event: Event, detail: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO order_timeline (order_id, occurred_at, event_type, event_id, detail)"
        " VALUES ($1, $2, $3, $4, $5)",
        order_id,
        event.occurred_at,
        event.event_type,
        event.event_id,
        detail,
    )


async def find_order(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    record = await conn.fetchrow("SELECT * FROM orders WHERE order_id = $1", order_id)
    if record is None:
        return None
    timeline = await conn.fetch(
        "SELECT occurred_at, event_type, event_id, detail FROM order_timeline"
        " WHERE order_id = $1 ORDER BY id",
        order_id,
    )
    return {**dict(record), "timeline": [dict(t) for t in timeline]}
