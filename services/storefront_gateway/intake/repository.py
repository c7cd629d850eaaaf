"""SQL on the storefront-gateway's own tables: deliveries and quarantined lines."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.storefront_gateway.domain import amendment_digest
from shared.events.orders import OrderPlaced, UnmappedLine


async def insert_delivery(
    conn: asyncpg.Connection,
    channel: str,
    platform: str,
    dedupe_key: str,
    topic: str,
    headers: dict[str, str],
    body: bytes,
) -> tuple[int, UUID] | None:
    """The new delivery's id and public id; None when this (channel, dedupe_key) was
    already received.

    Concurrent identical deliveries wait on the unique index until the first commits,
    so exactly one of them gets an id.
    """
    record = await conn.fetchrow(
        "INSERT INTO deliveries (channel, platform, dedupe_key, topic, headers, body)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id, public_id",
        channel,
        platform,
        dedupe_key,
        topic,
        headers,
        body,
    )
    return (int(record["id"]), record["public_id"]) if record is not None else None


async def find_delivery(conn: asyncpg.Connection, channel: str, dedupe_key: str) -> dict[str, Any]:
    record = await conn.fetchrow(
        "SELECT id, public_id, status, reason, order_id FROM deliveries"
        " WHERE channel = $1 AND dedupe_key = $2",
        channel,
        dedupe_key,
    )
    return dict(record) if record else {}


async def mark_accepted(conn: asyncpg.Connection, delivery_id: int, order_id: UUID) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'accepted', order_id = $2 WHERE id = $1",
        delivery_id,
        order_id,
    )


async def claim_effect(
    conn: asyncpg.Connection, resource: str, delivery_id: int, order_id: UUID
) -> bool:
    """True for the first delivery to have this effect; concurrent ones wait on the key."""
    claimed = await conn.fetchval(
        "INSERT INTO effects (resource, delivery_id, order_id) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING true",
        resource,
        delivery_id,
        order_id,
    )
    return bool(claimed)


async def mark_duplicate(
    conn: asyncpg.Connection,
    delivery_id: int,
    order_id: UUID,
    reason: str = "its effect was already had by an earlier delivery",
    status: str = "duplicate",
) -> None:
    """A delivery that has no effect (a duplicate, or `ignored`), with why."""
    await conn.execute(
        "UPDATE deliveries SET status = $4, order_id = $2, reason = $3 WHERE id = $1",
        delivery_id,
        order_id,
        reason,
        status,
    )


async def mark_quarantined(conn: asyncpg.Connection, delivery_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'quarantined', reason = $2 WHERE id = $1",
        delivery_id,
        reason,
    )


async def quarantine_lines(
    conn: asyncpg.Connection,
    delivery_id: int,
    channel: str,
    order_id: UUID,
    lines: tuple[UnmappedLine, ...],
) -> None:
    await conn.executemany(
        "INSERT INTO quarantined_lines"
        " (delivery_id, channel, order_id, line_ref, title, quantity, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (delivery_id, channel, order_id, line.line_ref, line.title, line.quantity, line.reason)
            for line in lines
        ],
    )


async def remember_order(conn: asyncpg.Connection, order: OrderPlaced) -> None:
    """What talking back to the channel about this order will need."""
    line_refs: dict[str, list[str]] = {}
    for line in order.stock_lines:
        line_refs.setdefault(str(line.sku), []).append(line.line_ref)
    await conn.execute(
        "INSERT INTO channel_orders (order_id, channel, channel_order_ref, customer_email,"
        " line_refs, currency, channel_order_name, amendable_digest, language)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        order.order_id,
        order.channel,
        order.channel_order_ref,
        order.customer_email,
        line_refs,
        order.currency,
        order.channel_order_name,
        amendment_digest(order),
        order.customer_language,
    )


async def channel_order(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    record = await conn.fetchrow("SELECT * FROM channel_orders WHERE order_id = $1", order_id)
    return dict(record) if record else None


async def quarantine(conn: asyncpg.Connection, limit: int) -> dict[str, list[dict[str, Any]]]:
    """Quarantined whole deliveries and lines, newest first."""
    deliveries = await conn.fetch(
        "SELECT public_id AS delivery_id, channel, platform, topic, reason, received_at"
        " FROM deliveries WHERE status = 'quarantined' ORDER BY id DESC LIMIT $1",
        limit,
    )
    lines = await conn.fetch(
        "SELECT d.public_id AS delivery_id, q.channel, q.order_id, q.line_ref, q.title,"
        " q.quantity, q.reason, q.created_at, q.closed_at, q.closed_reason"
        " FROM quarantined_lines q JOIN deliveries d ON d.id = q.delivery_id"
        " ORDER BY q.id DESC LIMIT $1",
        limit,
    )
    return {
        "deliveries": [dict(r) for r in deliveries],
        "lines": [dict(r) for r in lines if r["closed_at"] is None],
        "closed_lines": [dict(r) for r in lines if r["closed_at"] is not None],
    }


async def close_quarantined_lines(conn: asyncpg.Connection, order_id: UUID, reason: str) -> int:
    """Closes the order's open quarantined lines (it was cancelled); how many were open."""
    status = await conn.execute(
        "UPDATE quarantined_lines SET closed_at = now(), closed_reason = $2"
        " WHERE order_id = $1 AND closed_at IS NULL",
        order_id,
        reason,
    )
    return int(status.split()[-1])


async def lock_delivery(conn: asyncpg.Connection, delivery_id: int) -> dict[str, Any] | None:
    record = await conn.fetchrow("SELECT * FROM deliveries WHERE id = $1 FOR UPDATE", delivery_id)
    return dict(record) if record else None


async def quarantined_deliveries(
    conn: asyncpg.Connection, ids: list[UUID] | None, reason: str | None
) -> list[dict[str, Any]]:
    """Quarantined deliveries, oldest first (the order they arrived in), by public id or
    reason."""
    records = await conn.fetch(
        "SELECT id, public_id, channel, platform, topic, headers, body, reason, received_at"
        " FROM deliveries WHERE status = 'quarantined'"
        " AND ($1::uuid[] IS NULL OR public_id = ANY($1)) AND ($2::text IS NULL OR reason = $2)"
        " ORDER BY id",
        ids,
        reason,
    )
    return [dict(r) for r in records]


async def find_delivery_by_public_id(
    conn: asyncpg.Connection, delivery_id: UUID
) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT public_id AS delivery_id, channel, platform, topic, dedupe_key, status, reason,"
        " order_id, headers, body, received_at FROM deliveries WHERE public_id = $1",
        delivery_id,
    )
    return dict(record) if record else None


async def quarantine_reasons(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Quarantined deliveries per reason, most frequent first, with the oldest and newest."""
    records = await conn.fetch(
        "SELECT reason, count(*) AS count, min(received_at) AS first, max(received_at) AS last,"
        " array_agg(DISTINCT channel) AS channels FROM deliveries WHERE status = 'quarantined'"
        " GROUP BY reason ORDER BY count(*) DESC, reason"
    )
    return [dict(r) for r in records]


async def pulled_through(conn: asyncpg.Connection, channel: str) -> datetime | None:
    """How far the channel's orders have been read back (None: never)."""
    value: datetime | None = await conn.fetchval(
        "SELECT pulled_through FROM order_pulls WHERE channel = $1", channel
    )
    return value


async def record_pull(
    conn: asyncpg.Connection, channel: str, through: datetime, report: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO order_pulls (channel, pulled_through, last_report) VALUES ($1, $2, $3)"
        " ON CONFLICT (channel) DO UPDATE SET pulled_through = EXCLUDED.pulled_through,"
        " last_report = EXCLUDED.last_report",
        channel,
        through,
        report,
    )
