"""The statements PostgreSQL ran per order (pg_stat_statements, when the server loads it:
`make bench` starts its PostgreSQL so): which queries the hub sends most, and what they
cost — the profile that says where round trips go."""

from typing import Any

import asyncpg

TOP = 30


async def reset(database_url: str) -> bool:
    """Starts counting afresh; False when the server has no pg_stat_statements."""
    conn = await asyncpg.connect(database_url)
    try:
        loaded = await conn.fetchval(
            "SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries'"
            " AND setting LIKE '%pg_stat_statements%'"
        )
        if not loaded:
            return False
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        await conn.execute("SELECT pg_stat_statements_reset()")
        return True
    finally:
        await conn.close()


async def per_order(database_url: str, orders: int) -> dict[str, Any]:
    """Statements (calls per order, total ms per order), most called first."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT query, calls, total_exec_time FROM pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " ORDER BY calls DESC"
        )
    finally:
        await conn.close()
    calls = sum(r["calls"] for r in rows)
    return {
        "statements_per_order": round(calls / orders, 1),
        "top": [
            {
                "calls_per_order": round(r["calls"] / orders, 2),
                "ms_per_order": round(r["total_exec_time"] / orders, 3),
                "query": " ".join(r["query"].split())[:160],
            }
            for r in rows[:TOP]
        ],
    }
