"""Prices and product details to one channel: claimed from what the channel is owed,
sent in one call per batch, each SKU's outcome recorded. The channel's ids for a SKU come
from its catalog, read again when a SKU is not yet known (at most every few seconds)."""

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog

from services.storefront_gateway.catalog import repository
from services.storefront_gateway.catalog.metrics import ListingMetrics
from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import ConnectorError, Unavailable
from services.storefront_gateway.connectors.stock import ListingPush, StockAdapter
from shared.drain import backoff

log = structlog.get_logger(__name__)
LEASE_SECONDS = 30.0
CATALOG_MAX_AGE = 2.0
UNLISTED_RECHECK = 60.0

# The stock-sync wing's part when a channel starts listing SKUs: their stock is due too.
OnListed = Callable[[Any, str, list[str]], Awaitable[None]]


class ListingUpdates:
    def __init__(
        self,
        pool: Any,
        channel: ChannelConfig,
        adapter: StockAdapter,
        budget: RateBudget,
        metrics: ListingMetrics,
        on_listed: OnListed,
    ) -> None:
        self._pool = pool
        self._channel = channel
        self._adapter = adapter
        self._budget = budget
        self._metrics = metrics
        self._on_listed = on_listed
        self._listings: dict[str, dict[str, Any]] = {}
        self._read_at = 0.0

    async def seconds_until_due(self) -> float | None:
        async with self._pool.acquire() as conn:
            return await repository.seconds_until_due(conn, self._channel.id)

    async def drain(self, kind: str) -> int:
        """Push one batch of `kind` ('price' or 'details'); returns how many were due."""
        async with self._pool.acquire() as conn:
            due = await repository.claim_due(
                conn, self._channel.id, kind, self._adapter.max_batch, LEASE_SECONDS
            )
        if not due:
            return 0
        try:
            results = await self._send(kind, due)
        except ConnectorError as exc:
            results = {row["sku"]: exc for row in due}
        await self._record(kind, due, results)
        return len(due)

    async def _send(self, kind: str, due: list[dict[str, Any]]) -> dict[str, Any]:
        age = time.monotonic() - self._read_at
        if any(row["sku"] not in self._listings for row in due) and age > CATALOG_MAX_AGE:
            catalog = await self._adapter.catalog(self._budget)
            self._listings = {sku: listed.listing for sku, listed in catalog.items()}
            self._read_at, age = time.monotonic(), 0.0
        # Not in a catalog read just now: the channel does not list it (look again in a
        # minute); in an older read: it may be new, look again when the read is stale.
        unlisted_for = UNLISTED_RECHECK if age == 0.0 else CATALOG_MAX_AGE - age + 0.05
        pushes = [
            ListingPush(row["sku"], self._listings[row["sku"]], row["payload"])
            for row in due
            if row["sku"] in self._listings
        ]
        results: dict[str, Any] = {
            row["sku"]: Unavailable("not listed on the channel", unlisted_for)
            for row in due
            if row["sku"] not in self._listings
        }
        now = datetime.now(UTC)
        for row in due:
            lag = (now - row["dirty_since"]).total_seconds()
            self._metrics.lag_seconds.labels(self._channel.id, kind).observe(max(0.0, lag))
        if pushes:
            send = self._adapter.set_prices if kind == "price" else self._adapter.set_details
            results |= await send(self._budget, pushes)
        if kind == "details" and age == 0.0:
            results |= await self._create([row for row in due if row["sku"] not in self._listings])
        return results

    async def _create(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """SKUs the channel's catalog (read just now) lacks are listed from their details;
        their stock and price follow at once, the next catalog read giving their ids."""
        if not rows:
            return {}
        new = [ListingPush(row["sku"], {}, row["payload"]) for row in rows]
        created = await self._adapter.create_listings(self._budget, new)
        listed = [sku for sku, error in created.items() if error is None]
        if listed:
            self._read_at = 0.0
            async with self._pool.acquire() as conn:
                await repository.prices_due_now(conn, self._channel.id, listed)
                await self._on_listed(conn, self._channel.id, listed)
            self._metrics.pushes.labels(self._channel.id, "details", "created").inc(len(listed))
        return created

    async def _record(self, kind: str, due: list[dict[str, Any]], results: dict[str, Any]) -> None:
        channel = self._channel.id
        async with self._pool.acquire() as conn:
            for row in due:
                error = results.get(row["sku"])
                if error is None:
                    await repository.pushed(conn, channel, row["sku"], kind, row["version"])
                    self._metrics.pushes.labels(channel, kind, "pushed").inc()
                    continue
                if isinstance(error, Unavailable) and error.retry_after is not None:
                    delay = error.retry_after
                else:
                    delay = backoff(row["attempts"], 0.5)
                    self._listings.pop(row["sku"], None)  # perhaps re-created: look it up again
                log.info("listing update not applied", channel=channel, kind=kind, error=str(error))
                await repository.defer(conn, channel, row["sku"], kind, str(error), delay)
                self._metrics.pushes.labels(channel, kind, "deferred").inc()
