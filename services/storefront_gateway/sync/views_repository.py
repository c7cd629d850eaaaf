"""What operators read of channel stock: per SKU, what each channel should show, what it
was last sent and when, any drift reconciliation found; and the pushes that keep failing."""

from typing import Any

import asyncpg


async def channel_stock_of(conn: asyncpg.Connection, sku: str) -> list[dict[str, Any]]:
    """One row per channel that has heard of the SKU (primary key: channel, sku)."""
    records = await conn.fetch(
        "SELECT c.channel, c.desired, c.pushed, c.pushed_at, c.listed, c.attempts,"
        " c.last_error, c.desired_version > c.pushed_version AS pending,"
        " d.expected AS drift_expected, d.actual AS drift_actual,"
        " d.first_seen AS drift_first_seen, d.last_seen AS drift_last_seen"
        " FROM channel_stock c LEFT JOIN stock_drift d USING (channel, sku)"
        " WHERE c.sku = $1 ORDER BY c.channel",
        sku,
    )
    return [dict(r) for r in records]


async def failing_pushes(conn: asyncpg.Connection, limit: int) -> list[dict[str, Any]]:
    """Pushes still owed that failed at least once: on the due index (owed rows only)."""
    records = await conn.fetch(
        "SELECT channel, sku, desired, pushed, attempts, last_error, next_attempt_at"
        " FROM channel_stock WHERE desired_version > pushed_version AND attempts > 0"
        " ORDER BY next_attempt_at LIMIT $1",
        limit,
    )
    return [dict(r) for r in records]
