"""What waits on a person in the books, for Prometheus: rejected exports per target and
parked postings, counted every 30 s (an alert asks after them within minutes, so a count
per scrape would only cost more)."""

import asyncpg
from prometheus_client import CollectorRegistry, Gauge

from shared.periodic import Periodic


class BooksMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.exports_rejected = Gauge(
            "crossdock_exports_rejected",
            "Exports an accounting system rejected, waiting for a fix and a retry.",
            ["target"],
            registry=registry,
        )
        self.postings_parked = Gauge(
            "crossdock_postings_parked",
            "Postings parked until what they need arrives (a cost, the order's amounts).",
            registry=registry,
        )


class BooksCounter(Periodic):
    EVERY_SECONDS = 30.0

    def __init__(self, pool: asyncpg.Pool, metrics: BooksMetrics, targets: list[str]) -> None:
        super().__init__("books-metrics")
        self._pool = pool
        self._metrics = metrics
        self._targets = targets

    async def round(self) -> float:
        async with self._pool.acquire() as conn:
            rejected = await conn.fetch(
                "SELECT target, count(*) AS n FROM exports WHERE status = 'rejected'"
                " GROUP BY target"
            )
            parked = await conn.fetchval("SELECT count(*) FROM parked_postings")
        counts = {r["target"]: r["n"] for r in rejected}
        for target in {*self._targets, *counts}:
            self._metrics.exports_rejected.labels(target).set(counts.get(target, 0))
        self._metrics.postings_parked.set(parked)
        return self.EVERY_SECONDS
