"""SQL of thin webhooks waiting for their documents (`thin_webhooks`)."""

import json
from typing import Any

import asyncpg


async def hold(
    conn: asyncpg.Connection,
    channel: str,
    key: str,
    kind: str,
    headers: dict[str, str],
    body: bytes,
) -> bool:
    """Kept until fetched; False: this delivery is held already (a retry)."""
    held = await conn.fetchval(
        "INSERT INTO thin_webhooks (channel, dedupe_key, kind, headers, body)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, dedupe_key) DO NOTHING"
        " RETURNING true",
        channel,
        key,
        kind,
        json.dumps(headers),
        body,
    )
    return bool(held)


async def claim_due(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[Any]:
    records = await conn.fetch(
        "UPDATE thin_webhooks t SET leased_until = now() + make_interval(secs => $2)"
        " FROM (SELECT id FROM thin_webhooks WHERE next_attempt_at <= now()"
        "   AND (leased_until IS NULL OR leased_until < now())"
        "   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) due"
        " WHERE t.id = due.id RETURNING t.*",
        limit,
        lease_seconds,
    )
    return [dict(r) for r in records]


async def done(conn: asyncpg.Connection, held_id: int) -> None:
    await conn.execute("DELETE FROM thin_webhooks WHERE id = $1", held_id)


async def later(conn: asyncpg.Connection, held_id: int, error: str, delay: float) -> None:
    await conn.execute(
        "UPDATE thin_webhooks SET attempts = attempts + 1, last_error = $2, leased_until = NULL,"
        " next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
        held_id,
        error[:500],
        delay,
    )


async def seconds_until_due(conn: asyncpg.Connection) -> float | None:
    value = await conn.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM thin_webhooks"
    )
    return float(value) if value is not None else None


async def waiting(conn: asyncpg.Connection, channel: str | None) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT id, channel, dedupe_key, kind, received_at, attempts, next_attempt_at,"
        " last_error FROM thin_webhooks WHERE $1::text IS NULL OR channel = $1 ORDER BY id"
        " LIMIT 500",
        channel,
    )
    return [dict(r) for r in records]
