"""SQL on the storefront-gateway's own tables: deliveries and quarantined lines."""

from typing import Any
from uuid import UUID

import asyncpg

from shared.events.orders import UnmappedLine


async def insert_delivery(
    conn: asyncpg.Connection,
    channel: str,
    platform: str,
    dedupe_key: str,
    topic: str,
    headers: dict[str, str],
    body: bytes,
) -> int | None:
    """The new delivery's id; None when this (channel, dedupe_key) was already received.

    Concurrent identical deliveries wait on the unique index until the first commits,
    so exactly one of them gets an id.
    """
    value = await conn.fetchval(
        "INSERT INTO deliveries (channel, platform, dedupe_key, topic, headers, body)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
        channel,
        platform,
        dedupe_key,
        topic,
        headers,
        body,
    )
    return int(value) if value is not None else None


async def find_delivery(conn: asyncpg.Connection, channel: str, dedupe_key: str) -> dict[str, Any]:
    record = await conn.fetchrow(
        "SELECT id, status, reason, order_id FROM deliveries"
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


async def quarantine(conn: asyncpg.Connection, limit: int) -> dict[str, list[dict[str, Any]]]:
    """Quarantined whole deliveries and lines, newest first."""
    deliveries = await conn.fetch(
        "SELECT id AS delivery_id, channel, platform, topic, reason, received_at FROM deliveries"
        " WHERE status = 'quarantined' ORDER BY id DESC LIMIT $1",
        limit,
    )
    lines = await conn.fetch(
        "SELECT delivery_id, channel, order_id, line_ref, title, quantity, reason, created_at"
        " FROM quarantined_lines ORDER BY id DESC LIMIT $1",
        limit,
    )
    return {"deliveries": [dict(r) for r in deliveries], "lines": [dict(r) for r in lines]}
