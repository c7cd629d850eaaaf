"""PostgreSQL: one asyncpg pool per service, pinned to the service's own schema.

Services never query another service's schema: the pool's `search_path` is the
service's schema and nothing else, so an unqualified table name can only mean one of
its own tables.
"""

import json
from types import TracebackType
from typing import Any

import asyncpg

from shared.inbox import Inbox
from shared.outbox import Outbox


async def _init_connection(conn: asyncpg.Connection) -> None:
    for pg_type in ("json", "jsonb"):
        await conn.set_type_codec(
            pg_type, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def create_pool(dsn: str, schema: str, service: str, min_size: int, max_size: int) -> Any:
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={"search_path": schema, "application_name": service},
    )


class UnitOfWork:
    """One transaction: the state change, the outbox rows and the inbox claim commit together.

    Leaving the block without `commit()` rolls everything back.
    """

    def __init__(self, pool: Any, service: str, topic_prefix: str) -> None:
        self._pool = pool
        self._service = service
        self._topic_prefix = topic_prefix
        self._conn: Any = None
        self._tx: Any = None

    @property
    def connection(self) -> asyncpg.Connection:
        assert self._conn is not None, "use the unit of work inside `async with`"
        conn: asyncpg.Connection = self._conn
        return conn

    async def __aenter__(self) -> "UnitOfWork":
        self._conn = await self._pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        self.outbox = Outbox(self._conn, self._service, self._topic_prefix)
        self.inbox = Inbox(self._conn)
        return self

    async def commit(self) -> None:
        await self._tx.commit()
        self._tx = None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None:
                await self._tx.rollback()
        finally:
            await self._pool.release(self._conn)
            self._conn = self._tx = None
