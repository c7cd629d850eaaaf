"""Versioned SQL migrations, applied by each service to its own schema at start-up.

The kit's migrations (outbox, inbox) come first, then the service's own, each once,
in file-name order. An advisory lock serialises replicas starting together.
"""

from importlib import resources

import asyncpg

_KIT = "shared.sql"


def _scripts(package: str) -> list[tuple[str, str]]:
    files = sorted(
        (f for f in resources.files(package).iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    return [(f.name, f.read_text()) for f in files]


async def migrate(conn: asyncpg.Connection, schema: str, package: str) -> list[str]:
    """Apply what is missing; returns the versions applied now."""
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for origin in (_KIT, package):
            for name, sql in _scripts(origin):
                version = f"{'kit' if origin == _KIT else 'service'}/{name}"
                if version in done:
                    continue
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
                applied_now.append(version)
    return applied_now
