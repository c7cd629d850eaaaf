"""The order flow operators watch: orders per minute and channel over the last minutes,
and how long placed → reserved took for them (from each order's own timeline). Bounded
by `orders_by_created`, so its cost follows the window, not the history."""

from typing import Any

import asyncpg

# Every minute of the window, those without orders too (channel null, 0): a chart of time.
PER_MINUTE = (
    "SELECT m.minute, o.channel, count(o.order_id) AS orders FROM generate_series("
    " date_trunc('minute', now()) - make_interval(mins => $1 - 1),"
    " date_trunc('minute', now()), interval '1 minute') AS m (minute)"
    " LEFT JOIN orders o ON o.created_at >= m.minute"
    " AND o.created_at < m.minute + interval '1 minute'"
    " GROUP BY 1, 2 ORDER BY 1, 2"
)
# The first entry that moved each recent order to reserved, less its placing.
RESERVED_AFTER = (
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50_ms,"
    " percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99_ms, count(*) AS orders"
    " FROM (SELECT extract(epoch FROM min(t.occurred_at) - o.created_at) * 1000 AS ms"
    "   FROM orders o JOIN order_timeline t USING (order_id)"
    "   WHERE o.created_at > now() - make_interval(mins => $1)"
    "   AND t.detail->>'status' = 'reserved' GROUP BY o.order_id, o.created_at) r"
)


async def flow(conn: asyncpg.Connection, minutes: int) -> dict[str, Any]:
    per_minute = await conn.fetch(PER_MINUTE, minutes)
    reserved = await conn.fetchrow(RESERVED_AFTER, minutes)
    return {
        "minutes": minutes,
        "per_minute": [dict(r) for r in per_minute],
        "placed_to_reserved": {
            "p50_ms": _rounded(reserved["p50_ms"]),
            "p99_ms": _rounded(reserved["p99_ms"]),
            "orders": reserved["orders"],
        },
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)
