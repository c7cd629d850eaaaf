"""SQL on the feedback wing's table: `channel_updates`, status and tracking owed to
channels, a queue the sender drains (an outbox for HTTP)."""

from typing import Any
from uuid import UUID

import asyncpg


async def queue_update(
    conn: asyncpg.Connection,
    source_event_id: UUID,
    kind: str,
    channel: str,
    order_id: UUID,
    payload: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO channel_updates (source_event_id, kind, channel, order_id, payload)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        source_event_id,
        kind,
        channel,
        order_id,
        payload,
    )


async def claim_updates(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[Any]:
    """Due updates, oldest first, each the earliest still pending of its order (and lane:
    channel updates or mails), so a retried update is never overtaken by a later one."""
    return list(
        await conn.fetch(
            "UPDATE channel_updates SET next_attempt_at = now() + make_interval(secs => $2),"
            " claims = claims + 1"
            " WHERE id IN (SELECT id FROM channel_updates c WHERE status = 'pending'"
            "   AND next_attempt_at <= now()"
            # One order's updates to its channel go out in order, and so do its mails: a
            # later one waits while an earlier one of its kind is pending (retried).
            "   AND NOT EXISTS (SELECT 1 FROM channel_updates e WHERE e.status = 'pending'"
            "     AND e.order_id = c.order_id AND e.id < c.id"
            "     AND (e.kind LIKE 'email:%') = (c.kind LIKE 'email:%'))"
            "   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)"
            " RETURNING *",
            limit,
            lease_seconds,
        )
    )


async def renew_update(
    conn: asyncpg.Connection, update_id: int, claimed_until: Any, lease_seconds: float
) -> Any:
    """Extends this sender's lease just before it calls the channel; None when the lease
    ran out meanwhile and another sender took the update (its expiry is the token)."""
    return await conn.fetchval(
        "UPDATE channel_updates SET next_attempt_at = now() + make_interval(secs => $3)"
        " WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2"
        " RETURNING next_attempt_at",
        update_id,
        claimed_until,
        lease_seconds,
    )


async def finish_update(
    conn: asyncpg.Connection, update_id: int, status: str, error: str | None = None
) -> None:
    await conn.execute(
        "UPDATE channel_updates SET status = $2, last_error = $3, attempts = attempts + 1"
        " WHERE id = $1",
        update_id,
        status,
        error,
    )


async def retry_update(conn: asyncpg.Connection, update_id: int, error: str, delay: float) -> None:
    await conn.execute(
        "UPDATE channel_updates SET last_error = $2, attempts = attempts + 1,"
        " next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
        update_id,
        error,
        delay,
    )


async def updates(conn: asyncpg.Connection, status: str, limit: int) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT id, kind, channel, order_id, status, attempts, last_error, created_at"
        " FROM channel_updates WHERE status = $1 ORDER BY id DESC LIMIT $2",
        status,
        limit,
    )
    return [dict(r) for r in records]
