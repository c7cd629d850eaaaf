"""The price clock: at the start and at the end of every price window, every channel is
owed the price then in force.

It sleeps until the next boundary in the price book (at most a second, so windows
added meanwhile are noticed), then reprices the SKUs whose boundaries passed since the
last tick. The last tick is kept in the database: a gateway that was down across a
boundary catches up when it starts; replicas take turns per tick (advisory lock).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from services.storefront_gateway.catalog import repository
from services.storefront_gateway.catalog.handlers import reprice
from services.storefront_gateway.channels import Channels
from shared.db import UnitOfWork
from shared.events.envelope import utcnow
from shared.periodic import Periodic

log = structlog.get_logger(__name__)
MAX_SLEEP = 1.0


class PriceClock(Periodic):
    retry_seconds = MAX_SLEEP

    def __init__(self, uow_factory: Callable[[], UnitOfWork], channels: Channels) -> None:
        super().__init__("price-clock")
        self._uow = uow_factory
        self._channels = channels

    async def round(self) -> float:
        upcoming = await self.tick()
        if upcoming is None:
            return MAX_SLEEP
        return min(MAX_SLEEP, max(0.0, (upcoming - utcnow()).total_seconds()))

    async def tick(self) -> datetime | None:
        """Reprice what the clock changed since the last tick; returns the next boundary."""
        now = utcnow()
        async with self._uow() as uow:
            conn = uow.connection
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('price-clock'))"):
                return None
            last = await repository.last_tick(conn) or now - timedelta(days=1)
            for sku in await repository.skus_with_boundary(conn, last, now):
                await reprice(conn, self._channels, sku, now)
            await repository.ticked(conn, now)
            upcoming = await repository.next_boundary(conn, now)
            await uow.commit()
            return upcoming
