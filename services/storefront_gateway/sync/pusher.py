"""Drains each channel's due quantities to its API, within its rate budget.

One loop per channel, so a slow or rate-limited channel never delays another. Each pass
claims one batch (stock-outs first, then the longest waiting) and sends it in one call
where the channel takes many. A channel's loop runs in one replica at a time: it holds a
session advisory lock on its listening connection, released if the replica dies.
Nothing is dropped: a refused or failed push stays due, with the reason.
"""

from datetime import UTC, datetime
from typing import Any

import structlog

from services.storefront_gateway.catalog.ports import ListingUpdates
from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import (
    ConnectorError,
    Refused,
    StaleQuantity,
    Superseded,
    Unavailable,
)
from services.storefront_gateway.connectors.stock import Push, StockAdapter
from services.storefront_gateway.sync import repository
from services.storefront_gateway.sync.levels_repository import learn_items
from services.storefront_gateway.sync.metrics import SyncMetrics
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)
LEASE_SECONDS = 30.0
POLL_SECONDS = 5.0

UNLISTED_RECHECK_SECONDS = 60.0


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
        super().__init__(dsn, f"{schema}_channel_stock", poll_seconds=POLL_SECONDS)
        self._idle = POLL_SECONDS
        self._pool = pool
        self._lock_key = f"channel-stock:{schema}:{channel.id}"
        self._target = channel
        self.adapter = adapter
        self.budget = budget
        self._metrics = metrics
        self._base_backoff = base_backoff
        self._leader = False
        self._listings = ListingUpdates(
            pool, channel, adapter, budget, metrics.listings, repository.now_listed
        )

    @property
    def leads(self) -> bool:
        return self._leader

    def batch_was_full(self, handled: int) -> bool:
        return handled > 0  # something was due: look again at once (the budget paces us)

    def wakes_on(self, payload: str) -> bool:
        return payload == self._target.id

    def idle_seconds(self) -> float:
        return self._idle

    async def _schedule_next_look(self) -> None:
        """Nothing due now: sleep until the next deferred row is (a retry after 0.1 s
        should not wait for the poll), or a notification, or the poll."""
        async with self._pool.acquire() as conn:
            stock_in = await repository.seconds_until_due(conn, self._target.id)
        waits = [w for w in (stock_in, await self._listings.seconds_until_due()) if w is not None]
        due_in = min(waits, default=None)
        self._idle = POLL_SECONDS if due_in is None else min(POLL_SECONDS, max(0.01, due_in))

    async def drain(self) -> int:
        """One call's worth, most urgent first: stock-outs, prices, other stock levels,
        product details."""
        if not await self._lead():
            return 0
        # Wait for the budget first, then claim: whatever changed while we waited goes
        # out in the same call instead of the one after.
        await self.budget.ready()
        handled = (
            await self._stock(stock_outs_only=True)
            or await self._listings.drain("price")
            or await self._stock(stock_outs_only=False)
            or await self._listings.drain("details")
        )
        if handled:
            return handled
        await self._schedule_next_look()
        return 0

    async def _stock(self, stock_outs_only: bool) -> int:
        async with self._pool.acquire() as conn:
            due = await repository.claim_due(
                conn, self._target.id, self.adapter.max_batch, LEASE_SECONDS, stock_outs_only
            )
        if due:
            try:
                await self._push(due)
            except ConnectorError as exc:
                await self._defer_all(due, exc)
        return len(due)

    async def _lead(self) -> bool:
        if not self._leader and self._listener is not None:
            self._leader = bool(
                await self._listener.fetchval(
                    "SELECT pg_try_advisory_lock(hashtext($1))", self._lock_key
                )
            )
        return self._leader

    async def _push(self, rows: list[dict[str, Any]]) -> None:
        channel = self._target.id
        if any(r["listing"] is None for r in rows):
            rows = await self._with_listings(rows)
        now = datetime.now(UTC)
        for row in rows:
            lag = (now - row["dirty_since"]).total_seconds()
            self._metrics.lag_seconds.labels(channel).observe(max(0.0, lag))
        pushes = [
            Push(r["sku"], r["listing"], r["desired"], r["desired_version"], r["pushed"])
            for r in rows
        ]
        results = await self.adapter.set_many(self.budget, pushes) if pushes else {}
        stale = []
        async with self._pool.acquire() as conn:
            for row in rows:
                outcome = results.get(row["sku"])
                if outcome is None or isinstance(outcome, Superseded):
                    await repository.pushed(
                        conn, channel, row["sku"], row["desired"], row["desired_version"]
                    )
                    self._metrics.pushes.labels(channel, "pushed").inc()
                elif isinstance(outcome, StaleQuantity):
                    stale.append(row)
                else:
                    await self._defer(conn, row, outcome)
        if stale:
            await self._restart_from_actual(stale)

    async def _with_listings(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Learn the channel's ids for these SKUs from its catalog (one paged read); a
        SKU the channel does not list is set aside, not an error."""
        catalog = await self.adapter.catalog(self.budget)
        listed = []
        async with self._pool.acquire() as conn:
            await learn_items(conn, self._target.id, catalog)
            for row in rows:
                found = catalog.get(row["sku"])
                listing = found.listing if found else row["listing"]
                await repository.save_listing(
                    conn, self._target.id, row["sku"], listing, UNLISTED_RECHECK_SECONDS
                )
                if listing is None:
                    self._metrics.pushes.labels(self._target.id, "unlisted").inc()
                else:
                    listed.append({**row, "listing": listing})
        return listed

    async def _restart_from_actual(self, rows: list[dict[str, Any]]) -> None:
        """Compare-and-set lost (the channel sold, or someone edited the count): read
        what it holds now and push again at once from there."""
        catalog = await self.adapter.catalog(self.budget)
        async with self._pool.acquire() as conn:
            for row in rows:
                found = catalog.get(row["sku"])
                actual = found.quantity if found else None
                self._metrics.pushes.labels(self._target.id, "stale").inc()
                await repository.defer(
                    conn, self._target.id, row["sku"], "stale view", 0.0, actual, counts=False
                )

    async def _defer(self, conn: Any, row: dict[str, Any], error: ConnectorError) -> None:
        channel, sku = self._target.id, row["sku"]
        if isinstance(error, Unavailable):
            delay = (
                error.retry_after
                if error.retry_after is not None
                else backoff(row["attempts"], self._base_backoff)
            )
            self._metrics.pushes.labels(channel, "deferred").inc()
            log.info("stock push deferred", channel=channel, sku=sku, delay=delay, error=str(error))

        else:
            # Often the listing changed under us (product re-created, new ids): the next
            # attempt reads the catalog again instead of insisting on the old ids.
            log.warning(
                "channel refused a stock update", channel=channel, sku=sku, error=str(error)
            )
            delay = backoff(row["attempts"], self._base_backoff)
            self._metrics.pushes.labels(channel, "rejected").inc()
        counts = not (isinstance(error, Unavailable) and error.retry_after == 0.0)
        forget = isinstance(error, Refused)
        await repository.defer(conn, channel, sku, str(error), delay, counts=counts, forget=forget)

    async def _defer_all(self, rows: list[dict[str, Any]], error: ConnectorError) -> None:
        if isinstance(error, Refused):
            log.warning("channel refused a stock call", channel=self._target.id, error=str(error))
        async with self._pool.acquire() as conn:
            for row in rows:
                await self._defer(conn, row, error)
