"""SQL on the order-router's own tables."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from services.order_router.domain import PlannedShipment
from shared.events.envelope import Event
from shared.events.orders import OrderCancellationRequested, OrderPaid, OrderPlaced, OrderStatus


def _jsonable(model: Any) -> Any:
    return json.loads(model.model_dump_json())


@dataclass(frozen=True)
class LockedOrder:
    order_id: UUID
    status: OrderStatus
    placed: OrderPlaced
    amendment: dict[str, Any] | None = None  # one being carried out (see amendments)


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


async def lock_order(conn: asyncpg.Connection, order_id: UUID) -> LockedOrder | None:
    """The order, locked until the transaction ends."""
    record = await conn.fetchrow(
        "SELECT status, placed, amendment FROM orders WHERE order_id = $1 FOR UPDATE", order_id
    )
    if record is None:
        return None
    placed = OrderPlaced.model_validate(record["placed"])
    amendment = dict(record["amendment"]) if record["amendment"] is not None else None
    return LockedOrder(order_id, OrderStatus(record["status"]), placed, amendment)


async def set_status(
    conn: asyncpg.Connection, order_id: UUID, status: OrderStatus, reason: str | None
) -> None:
    await conn.execute(
        "UPDATE orders SET status = $2, reason = coalesce($3, reason), updated_at = now()"
        " WHERE order_id = $1",
        order_id,
        status.value,
        reason,
    )


async def set_allocations(conn: asyncpg.Connection, order_id: UUID, allocations: list[Any]) -> None:
    await conn.execute(
        "UPDATE orders SET allocations = $2 WHERE order_id = $1",
        order_id,
        [_jsonable(a) for a in allocations],
    )


async def move_allocations(
    conn: asyncpg.Connection, order_id: UUID, released: Any, reserved: Any
) -> None:
    """The order's allocations after a refused shipment's stock moved: what was given
    back taken out (unit by unit, per SKU and location), what was reserved added."""
    row = await conn.fetchval("SELECT allocations FROM orders WHERE order_id = $1", order_id)
    left = [dict(a) for a in row]
    for gone in (_jsonable(a) for a in released):
        for allocation in left:
            if (allocation["sku"], allocation["location"]) == (gone["sku"], gone["location"]):
                taken = min(allocation["quantity"], gone["quantity"])
                allocation["quantity"] -= taken
                gone["quantity"] -= taken
    kept = [a for a in left if a["quantity"] > 0] + [_jsonable(a) for a in reserved]
    await conn.execute("UPDATE orders SET allocations = $2 WHERE order_id = $1", order_id, kept)


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


async def insert_shipment(
    conn: asyncpg.Connection, order_id: UUID, shipment: PlannedShipment
) -> None:
    await conn.execute(
        "INSERT INTO order_shipments (shipment_id, order_id, location, fulfiller, lines)"
        " VALUES ($1, $2, $3, $4, $5)",
        shipment.shipment_id,
        order_id,
        shipment.location,
        shipment.fulfiller,
        shipment.lines,
    )


async def shipments_of(conn: asyncpg.Connection, order_id: UUID) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT shipment_id, location, fulfiller, lines, shipped, status, tracking, delivered"
        " FROM order_shipments WHERE order_id = $1 ORDER BY location",
        order_id,
    )
    return [dict(r) for r in records]


async def update_shipment(
    conn: asyncpg.Connection, shipment_id: UUID, status: str, **changes: Any
) -> None:
    """Set the status and any of: shipped (dict), tracking (list), delivered (bool),
    lines (dict: what it asks for, when the rest was called off)."""
    await conn.execute(
        "UPDATE order_shipments SET status = $2,"
        " shipped = coalesce($3, shipped), tracking = coalesce($4, tracking),"
        " delivered = coalesce($5, delivered), lines = coalesce($6, lines),"
        " updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        status,
        changes.get("shipped"),
        changes.get("tracking"),
        changes.get("delivered"),
        changes.get("lines"),
    )


async def wait_for_stock(conn: asyncpg.Connection, order_id: UUID, skus: list[str]) -> None:
    await conn.executemany(
        "INSERT INTO backorders (order_id, sku) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(order_id, sku) for sku in skus],
    )


async def stop_waiting(conn: asyncpg.Connection, order_id: UUID) -> None:
    await conn.execute("DELETE FROM backorders WHERE order_id = $1", order_id)


async def waiting_for(conn: asyncpg.Connection, sku: str, limit: int) -> list[UUID]:
    records = await conn.fetch(
        "SELECT b.order_id FROM backorders b JOIN orders o USING (order_id)"
        " WHERE b.sku = $1 AND o.status = 'backordered' ORDER BY b.since LIMIT $2",
        sku,
        limit,
    )
    return [r["order_id"] for r in records]


async def find_order(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    record = await conn.fetchrow("SELECT * FROM orders WHERE order_id = $1", order_id)
    if record is None:
        return None
    timeline = await conn.fetch(
        "SELECT occurred_at, event_type, event_id, detail FROM order_timeline"
        " WHERE order_id = $1 ORDER BY id",
        order_id,
    )
    shipments = await shipments_of(conn, order_id)
    return {**dict(record), "timeline": [dict(t) for t in timeline], "shipments": shipments}


async def claim_refund(conn: asyncpg.Connection, order_id: UUID, refund_ref: str) -> bool:
    """True the first time this platform refund reaches the order."""
    claimed = await conn.fetchval(
        "INSERT INTO refunds_taken (order_id, refund_ref) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        order_id,
        refund_ref,
    )
    return bool(claimed)


async def remember_early_payment(conn: asyncpg.Connection, payment: OrderPaid) -> None:
    await conn.execute(
        "INSERT INTO early_payments (order_id, payment) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        payment.order_id,
        payment.payment.value,
    )


async def take_early_payment(conn: asyncpg.Connection, order_id: UUID) -> bool:
    """Whether the order was paid before it arrived (the note is used up)."""
    taken = await conn.fetchval(
        "DELETE FROM early_payments WHERE order_id = $1 RETURNING true", order_id
    )
    return bool(taken)


async def remember_early_cancellation(
    conn: asyncpg.Connection, request: OrderCancellationRequested
) -> None:
    await conn.execute(
        "INSERT INTO early_cancellations (order_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        request.order_id,
        request.reason,
    )


async def take_early_cancellation(conn: asyncpg.Connection, order_id: UUID) -> str | None:
    """The reason of a cancellation that came before the order ('' without one); None:
    the order was not cancelled before it arrived."""
    row = await conn.fetchrow(
        "DELETE FROM early_cancellations WHERE order_id = $1 RETURNING reason", order_id
    )
    return None if row is None else (row["reason"] or "")


async def set_placed(conn: asyncpg.Connection, order_id: UUID, placed: OrderPlaced) -> None:
    """The order as the channel amended it."""
    await conn.execute(
        "UPDATE orders SET placed = $2, updated_at = now() WHERE order_id = $1",
        order_id,
        _jsonable(placed),
    )


async def set_amendment(
    conn: asyncpg.Connection, order_id: UUID, amendment: dict[str, Any] | None
) -> None:
    stored = None
    if amendment is not None:
        stored = {k: _jsonable(v) if isinstance(v, Event) else v for k, v in amendment.items()}
    await conn.execute("UPDATE orders SET amendment = $2 WHERE order_id = $1", order_id, stored)
