"""Drains each channel's due quantities to its API, within its rate budget.

One loop per channel, so a slow or rate-limited channel never delays another. Each pass
claims no more rows than the budget allows now (at least one), stock-outs first, so a
sell-out jumps the queue at every pass. A channel's loop runs in one replica at a time:
it holds a session advisory lock on its listening connection, released if the replica
dies. Nothing is dropped: a refused or failed call leaves the row due, with the reason.
"""

from datetime import UTC, datetime
from typing import Any

import structlog

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.sync import repository
from services.storefront_gateway.sync.budget import RateBudget
from services.storefront_gateway.sync.client import (
    PushDeferred,
    PushRejected,
    StaleQuantity,
    StockAdapter,
)
from services.storefront_gateway.sync.metrics import SyncMetrics
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)
MAX_BATCH = 50
LEASE_SECONDS = 30.0


class ChannelStockPusher(DrainLoop):
    def __init__(
        self,
        pool: Any,
        dsn: str,
        schema: str,
        channel: ChannelConfig,
        adapter: StockAdapter,
        budget: RateBudget,
        metrics: SyncMetrics,
        base_backoff: float = 0.5,
    ) -> None:
        super().__init__(dsn, f"{schema}_channel_stock", poll_seconds=0.5)
        self._pool = pool
        self._lock_key = f"channel-stock:{schema}:{channel.id}"
        self._target = channel
        self.adapter = adapter
        self.budget = budget
        self._metrics = metrics
        self._base_backoff = base_backoff
        self._leader = False
        self._limit = 1

    @property
    def leads(self) -> bool:
        return self._leader

    def batch_was_full(self, handled: int) -> bool:

        return handled >= self._limit

    async def drain(self) -> int:
        if not await self._lead():
            return 0
        self._limit = min(MAX_BATCH, max(1, self.budget.available()))
        async with self._pool.acquire() as conn:
            due = await repository.claim_due(conn, self._target.id, self._limit, LEASE_SECONDS)
        for row in due:
            await self._push(row)
        return len(due)

    async def _lead(self) -> bool:
        if not self._leader and self._listener is not None:
            self._leader = bool(
                await self._listener.fetchval(
                    "SELECT pg_try_advisory_lock(hashtext($1))", self._lock_key
                )
            )
        return self._leader

    async def _push(self, row: dict[str, Any]) -> None:
        channel, sku = self._target.id, row["sku"]
        async with self._pool.acquire() as conn:
            try:
                listing = row["listing"] or await self.adapter.find(self.budget, sku)
                if listing is None or row["listing"] is None:
                    await repository.save_listing(conn, channel, sku, listing)
                if listing is None:
                    self._metrics.pushes.labels(channel, "unlisted").inc()
                    return
                lag = (datetime.now(UTC) - row["dirty_since"]).total_seconds()
                self._metrics.lag_seconds.labels(channel).observe(max(0.0, lag))
                await self.adapter.set(
                    self.budget, sku, listing, row["desired"], row["desired_version"], row["pushed"]
                )
            except StaleQuantity as exc:
                await self._stale(conn, row, exc)
            except PushDeferred as exc:
                delay = exc.retry_after or backoff(row["attempts"], self._base_backoff)
                await repository.defer(conn, channel, sku, str(exc), delay)
                self._metrics.pushes.labels(channel, "deferred").inc()
            except PushRejected as exc:
                log.warning(
                    "channel refused a stock update", channel=channel, sku=sku, error=str(exc)
                )
                delay = backoff(row["attempts"] + 4, self._base_backoff)
                await repository.defer(conn, channel, sku, str(exc), delay)
                self._metrics.pushes.labels(channel, "rejected").inc()
            else:
                await repository.pushed(conn, channel, sku, row["desired"], row["desired_version"])
                self._metrics.pushes.labels(channel, "pushed").inc()

    async def _stale(self, conn: Any, row: dict[str, Any], exc: StaleQuantity) -> None:
        """The channel holds another quantity than we last set (it sold, or someone edited
        it): try again at once from what it holds. A marketplace that has already applied
        a later sequence needs nothing more."""
        channel, sku = self._target.id, row["sku"]
        self._metrics.pushes.labels(channel, "stale").inc()
        if exc.actual is None:
            await repository.pushed(conn, channel, sku, row["desired"], row["desired_version"])
            return
        await repository.defer(conn, channel, sku, str(exc), 0.0, exc.actual, counts=False)
