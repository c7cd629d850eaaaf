"""SQL on the shipping-bridge's own tables: shipments (and their send queue), dispatches."""

from typing import Any
from uuid import UUID

import asyncpg

from services.shipping_bridge.domain import ShipmentStatus
from shared.events.fulfilment import ShipmentRequested

DELIVERY = {
    "ship_to",
    "shipping_method",
    "customer_note",
    "currency",
    "lines",
    "ship_by",
    "deliver_by",
}
# A delivered or cancelled shipment will never be sent again: its personal data goes.
FORGET_DELIVERY = (
    "delivery = CASE WHEN ${0} IN ('delivered', 'cancelled') THEN NULL ELSE delivery END"
)


async def insert_shipment(conn: asyncpg.Connection, request: ShipmentRequested) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO shipments (shipment_id, order_id, correlation_id, fulfiller, location,"
        " channel, channel_order_ref, channel_order_name, lines, ship_to_country, delivery)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT DO NOTHING RETURNING true",
        request.shipment_id,
        request.order_id,
        request.correlation_id,
        request.fulfiller,
        request.location,
        request.channel,
        request.channel_order_ref,
        request.channel_order_name,
        {line.sku: line.quantity for line in request.lines},
        request.ship_to_country,
        request.model_dump(mode="json", include=DELIVERY),
    )
    return bool(inserted)


async def claim_due(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[Any]:
    """Pending shipments due for an attempt, leased so that no other sender takes them
    while this one talks to the 3PL (no row lock is held across the HTTP call)."""
    return list(
        await conn.fetch(
            "UPDATE shipments SET next_attempt_at = now() + make_interval(secs => $2)"
            " WHERE shipment_id IN (SELECT shipment_id FROM shipments"
            "   WHERE status IN ('pending', 'cancelling') AND next_attempt_at <= now()"
            "   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            " RETURNING *",
            limit,
            lease_seconds,
        )
    )


async def mark_sent(conn: asyncpg.Connection, shipment_id: UUID, fulfiller_ref: str) -> None:
    # The 3PL may already have called back (acknowledged, even dispatched): only a
    # still-pending shipment becomes 'sent'.
    await conn.execute(
        "UPDATE shipments SET fulfiller_ref = $2, attempts = attempts + 1, last_error = NULL,"
        " status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END,"
        " next_attempt_at = now(), updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        fulfiller_ref,
    )


async def lock(conn: asyncpg.Connection, shipment_id: UUID) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT * FROM shipments WHERE shipment_id = $1 FOR UPDATE", shipment_id
    )
    return dict(record) if record else None


async def request_cancel(conn: asyncpg.Connection, shipment_id: UUID) -> None:
    """Queue a cancellation for the sender (which waits for an in-flight send to finish)."""
    await conn.execute(
        "UPDATE shipments SET status = 'cancelling', next_attempt_at = greatest("
        " next_attempt_at, now()), updated_at = now() WHERE shipment_id = $1",
        shipment_id,
    )


async def mark_refused(conn: asyncpg.Connection, shipment_id: UUID, reason: str) -> None:
    await conn.execute(
        "UPDATE shipments SET status = 'refused', last_error = $2, attempts = attempts + 1,"
        " updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        reason,
    )


async def schedule_retry(
    conn: asyncpg.Connection, shipment_id: UUID, error: str, delay: float, counted: bool
) -> None:
    await conn.execute(
        "UPDATE shipments SET next_attempt_at = now() + make_interval(secs => $3),"
        " last_error = $2, attempts = attempts + $4::int, updated_at = now()"
        " WHERE shipment_id = $1",
        shipment_id,
        error,
        delay,
        1 if counted else 0,
    )


async def lock_for(
    conn: asyncpg.Connection, shipment_id: UUID, fulfiller: str
) -> dict[str, Any] | None:
    """The shipment if, and only if, it is assigned to this 3PL; locked."""
    record = await conn.fetchrow(
        "SELECT * FROM shipments WHERE shipment_id = $1 AND fulfiller = $2 FOR UPDATE",
        shipment_id,
        fulfiller,
    )
    return dict(record) if record else None


async def set_status_if(
    conn: asyncpg.Connection, shipment_id: UUID, expected: str, status: str
) -> bool:
    """Moves the status only if it is still `expected` (a dispatch may have overtaken it);
    True when it moved."""
    moved = await conn.fetchval(
        f"UPDATE shipments SET status = $3, updated_at = now(), {FORGET_DELIVERY.format(3)}"
        " WHERE shipment_id = $1 AND status = $2 RETURNING true",
        shipment_id,
        expected,
        status,
    )
    return bool(moved)


async def set_status(conn: asyncpg.Connection, shipment_id: UUID, status: ShipmentStatus) -> None:
    await conn.execute(
        f"UPDATE shipments SET status = $2, updated_at = now(), {FORGET_DELIVERY.format(2)}"
        " WHERE shipment_id = $1",
        shipment_id,
        status.value,
    )


async def insert_dispatch(
    conn: asyncpg.Connection, shipment_id: UUID, report: dict[str, Any]
) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO dispatches (shipment_id, dispatch_id, carrier, tracking_number,"
        " tracking_url, lines) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT DO NOTHING RETURNING true",
        shipment_id,
        report["dispatch_id"],
        report["carrier"],
        report["tracking_number"],
        report["tracking_url"],
        report["lines"],
    )
    return bool(inserted)


async def dispatches_of(conn: asyncpg.Connection, shipment_id: UUID) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT dispatch_id, carrier, tracking_number, tracking_url, lines, reported_at"
        " FROM dispatches WHERE shipment_id = $1 ORDER BY reported_at",
        shipment_id,
    )
    return [dict(r) for r in records]


async def by_tracking_number(
    conn: asyncpg.Connection, tracking_number: str
) -> tuple[UUID, str] | None:
    """The shipment (and its 3PL) a parcel's tracking number belongs to."""
    record = await conn.fetchrow(
        "SELECT s.shipment_id, s.fulfiller FROM dispatches d JOIN shipments s USING (shipment_id)"
        " WHERE d.tracking_number = $1",
        tracking_number,
    )
    return (record["shipment_id"], record["fulfiller"]) if record else None


async def tracking_owner(conn: asyncpg.Connection, tracking_number: str) -> str | None:
    """The 3PL whose parcel already carries this tracking number, if any."""
    owner = await conn.fetchval(
        "SELECT s.fulfiller FROM dispatches d JOIN shipments s USING (shipment_id)"
        " WHERE d.tracking_number = $1 LIMIT 1",
        tracking_number,
    )
    return str(owner) if owner is not None else None


async def claim_exception(conn: asyncpg.Connection, shipment_id: UUID, key: str) -> bool:
    claimed = await conn.fetchval(
        "INSERT INTO reported_exceptions (shipment_id, report_key) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        shipment_id,
        key,
    )
    return bool(claimed)


async def claim_quiet(conn: asyncpg.Connection, quiet_seconds: float, limit: int) -> list[Any]:
    """Shipments at a 3PL that have not moved, nor been asked after, for `quiet_seconds`;
    marked as asked now, so another replica does not ask the same ones."""
    return list(
        await conn.fetch(
            "UPDATE shipments SET checked_at = now() WHERE shipment_id IN ("
            " SELECT shipment_id FROM shipments"
            " WHERE status IN ('sent', 'acknowledged', 'partially_dispatched', 'dispatched')"
            "   AND updated_at < now() - make_interval(secs => $1)"
            "   AND (checked_at IS NULL OR checked_at < now() - make_interval(secs => $1))"
            " ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING *",
            quiet_seconds,
            limit,
        )
    )


async def close_short(
    conn: asyncpg.Connection, shipment_id: UUID, lines: dict[str, int], status: ShipmentStatus
) -> None:
    """A partly shipped shipment whose rest its 3PL called off asks for what left."""
    await conn.execute(
        "UPDATE shipments SET lines = $2, status = $3, updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        lines,
        status.value,
    )


async def shipment_exists(conn: asyncpg.Connection, shipment_id: UUID) -> bool:
    found = await conn.fetchval("SELECT true FROM shipments WHERE shipment_id = $1", shipment_id)
    return bool(found)


async def by_channel_order(
    conn: asyncpg.Connection, channel: str, fulfiller: str, key: str, number: str
) -> list[dict[str, Any]]:
    """A fulfiller's live shipments of the channel order with this key (the platform's
    order id) or number (its name, with or without the `#`)."""
    names = [n for n in {number, f"#{number.lstrip('#')}"} if n.strip("#")]
    records = await conn.fetch(
        "SELECT shipment_id, lines FROM shipments WHERE channel = $1 AND fulfiller = $2"
        " AND status NOT IN ('refused', 'cancelled')"
        " AND (channel_order_ref = $3 OR channel_order_name = ANY($4::text[]))",
        channel,
        fulfiller,
        key,
        names,
    )
    return [dict(r) for r in records]


async def take_tracker_state(
    conn: asyncpg.Connection, tracking_number: str, happened_at: Any, status: str
) -> bool:
    """True when this scan is newer than the last one taken for the parcel (it is now)."""
    taken = await conn.fetchval(
        "INSERT INTO tracker_states (tracking_number, happened_at, status) VALUES ($1, $2, $3)"
        " ON CONFLICT (tracking_number) DO UPDATE SET happened_at = EXCLUDED.happened_at,"
        " status = EXCLUDED.status WHERE tracker_states.happened_at < EXCLUDED.happened_at"
        " RETURNING true",
        tracking_number,
        happened_at,
        status,
    )
    return bool(taken)
