"""PostgreSQL: one asyncpg pool per service, pinned to the service's own schema.

Services never query another service's schema: the pool's `search_path` is the
service's schema and nothing else, so an unqualified table name can only mean one of
its own tables.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import asyncpg

from shared import outbox
from shared.inbox import Claims, Inbox
from shared.outbox import Outbox


async def _init_connection(conn: asyncpg.Connection) -> None:
    for pg_type in ("json", "jsonb"):
        await conn.set_type_codec(
            pg_type, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


class _PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """No reset query when a connection goes back to the pool: asyncpg's default (unlock
    advisory locks, close cursors, UNLISTEN, RESET ALL) is a round trip per transaction,
    and the hub leaves none of that on a pooled connection — its locks are transaction
    locks, its settings SET LOCAL, its listeners on connections of their own. An open
    transaction is still rolled back."""

    def get_reset_query(self) -> str:
        return ""


async def create_pool(dsn: str, schema: str, service: str, min_size: int, max_size: int) -> Any:
    return await asyncpg.create_pool(
        dsn,
        connection_class=_PooledConnection,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={"search_path": schema, "application_name": service},
    )


class _Batch:
    """The connection of the batch being handled; None once its transaction ended (a task
    started inside a batch keeps the context, never the connection)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn: asyncpg.Connection | None = conn
        self.outbox_rows: list[outbox.Row] = []  # the committed units' events, in order
        self.claims = Claims()  # inbox claims taken for the batch's messages ahead
        # The next unit runs straight in the batch's transaction, without a savepoint of
        # its own (two round trips fewer); should it fail or leave its work uncommitted,
        # it raises and the batch runs again with one savepoint per unit.
        self.bare = False


class UnitNotKept(Exception):
    """A unit run without a savepoint left without committing its work: only running
    the batch again, this unit in a savepoint, undoes that work alone."""


_current_batch: ContextVar[_Batch | None] = ContextVar("crossdock_batch", default=None)


@asynccontextmanager
async def batch_transaction(pool: Any) -> AsyncIterator[_Batch]:
    """One transaction for a whole batch of consumed messages: each use case's unit of work
    inside it is a savepoint, so one message's failure rolls back that message alone, and
    the batch costs one commit (one WAL flush) instead of one per message."""
    async with pool.acquire() as conn, conn.transaction():
        batch = _Batch(conn)
        token = _current_batch.set(batch)
        try:
            yield batch
            await batch.claims.give_back(conn)
            await outbox.append(conn, batch.outbox_rows)
        finally:
            batch.conn = None
            _current_batch.reset(token)


class UnitOfWork:
    """One transaction: the state change, the outbox rows and the inbox claim commit together.

    Leaving the block without `commit()` rolls everything back. Inside a batch (see
    `batch_transaction`) it is a savepoint of the batch's transaction: `commit()` keeps
    the work for the batch's commit, leaving without it undoes this unit's work alone.
    """

    def __init__(self, pool: Any, service: str, topic_prefix: str) -> None:
        self._pool = pool
        self._service = service
        self._topic_prefix = topic_prefix
        self._conn: Any = None
        self._tx: Any = None
        self._batch: _Batch | None = None  # the batch this unit is a savepoint of
        self._bare = False  # inside the batch's transaction, without a savepoint

    @property
    def connection(self) -> asyncpg.Connection:
        assert self._conn is not None, "use the unit of work inside `async with`"
        conn: asyncpg.Connection = self._conn
        return conn

    async def __aenter__(self) -> "UnitOfWork":
        batch = _current_batch.get()
        self._batch = batch if batch is not None and batch.conn is not None else None
        shared = self._batch.conn if self._batch is not None else None
        self._conn = shared if shared is not None else await self._pool.acquire()
        self._bare = self._batch is not None and self._batch.bare
        self._tx = None if self._bare else self._conn.transaction()  # in a batch: a savepoint
        if self._tx is not None:
            await self._tx.start()
        self.outbox = Outbox(self._conn, self._service, self._topic_prefix)
        self.inbox = Inbox(self._conn, self._batch.claims if self._batch is not None else None)
        return self

    async def commit(self) -> None:
        if self._batch is not None:
            if self._tx is not None:
                await self._tx.commit()  # the savepoint released
            self._batch.outbox_rows.extend(self.outbox.pending)  # the events join the batch's
            self._bare = False
        else:
            await outbox.append(self._conn, self.outbox.pending)
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
                self.inbox.undo()
                await self._tx.rollback()
            elif self._bare and exc is None and not self.inbox.refused:
                raise UnitNotKept("left without committing, in a batch without savepoints")
        finally:
            if self._batch is None:
                await self._pool.release(self._conn)
            self._conn = self._tx = self._batch = None
            self._bare = False
