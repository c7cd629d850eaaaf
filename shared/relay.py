"""The outbox relay: publishes committed outbox rows to Kafka, in order, then deletes them.

Guarantees:
- at least once: a row is deleted only in the transaction that saw Kafka acknowledge it
  (`acks=all`, idempotent producer); a crash in between republishes it, and consumers
  drop the duplicate through their inbox;
- per-key order: rows go out in id order, and one relay per schema publishes at a time
  (transaction-scoped advisory lock), so replicas of a service never interleave;
- low latency without busy polling: it wakes on the outbox trigger's NOTIFY, and polls
  as a fallback in case a notification is missed (connection loss, restart).
"""

import asyncio
import time
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer

from shared.drain import DrainLoop
from shared.failpoints import Failpoints
from shared.metrics import ServiceMetrics

log = structlog.get_logger(__name__)

_LOCK = """
SELECT pg_try_advisory_xact_lock(hashtext($1))
       AND set_config('synchronous_commit', 'off', true) = 'off'
"""
_CLAIM = """
SELECT id, topic, key, payload, headers FROM outbox
ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
"""


class OutboxRelay(DrainLoop):
    def __init__(
        self,
        pool: Any,
        dsn: str,
        schema: str,
        producer: AIOKafkaProducer,
        metrics: ServiceMetrics,
        batch_size: int,
        poll_seconds: float,
        failpoints: Failpoints | None = None,
        linger_seconds: float = 0.02,
    ) -> None:
        super().__init__(dsn, f"{schema}_outbox", poll_seconds, linger_seconds)
        self._failpoints = failpoints or Failpoints("")
        self._pool = pool
        self._schema = schema
        self._producer = producer
        self._metrics = metrics
        self._batch_size = batch_size
        self._backlog_observed_at = 0.0

    async def drain(self) -> int:
        return await self.publish_batch()

    def batch_was_full(self, handled: int) -> bool:
        return handled >= self._batch_size

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows went out."""
        async with self._pool.acquire() as conn, conn.transaction():
            # Losing this deletion in a crash only republishes rows that consumers'
            # inboxes already drop, so it need not wait for the WAL flush (set in the
            # lock's round trip: a pass is a few statements, each one counts).
            lock = await conn.fetchval(_LOCK, f"relay:{self._schema}")
            if not lock:
                return 0
            rows = await conn.fetch(_CLAIM, self._batch_size)
            if rows:
                await self._send_in_order(rows)
                # A crash here republishes the batch on restart: consumers' inboxes drop it.
                self._failpoints.hit("after-publish-before-delete")
                await conn.execute("DELETE FROM outbox WHERE id = ANY($1)", [r["id"] for r in rows])
            await self._observe_backlog(conn, claimed=len(rows))
            return len(rows)

    async def _observe_backlog(self, conn: Any, claimed: int) -> None:
        """At most once a second: counting the outbox on every pass would cost a scan each."""
        now = time.monotonic()
        if now - self._backlog_observed_at < 1.0:
            return
        self._backlog_observed_at = now
        remaining = await conn.fetchval("SELECT count(*) FROM outbox")
        self._metrics.outbox_backlog.set(max(0, remaining - claimed))

    async def _send_in_order(self, rows: list[Any]) -> None:
        # send() enqueues synchronously in call order; awaiting the futures afterwards
        # lets one batch share round trips while the idempotent producer keeps order.
        futures = [
            await self._producer.send(
                row["topic"],
                value=bytes(row["payload"]),
                key=row["key"].encode(),
                headers=[(k, str(v).encode()) for k, v in row["headers"].items()],
            )
            for row in rows
        ]
        await asyncio.gather(*futures)
        self._metrics.events_published.inc(len(rows))
