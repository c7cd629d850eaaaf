"""Stock sync at run time: a pusher per channel, and reconciliation on a schedule and on
demand. Built in the gateway's lifespan, after the pool exists."""

from typing import Any

import httpx
import structlog

from services.storefront_gateway.channels import Channels, StockTarget
from services.storefront_gateway.connectors.adapters import adapter_for
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.sync.metrics import SyncMetrics
from services.storefront_gateway.sync.pusher import ChannelStockPusher
from services.storefront_gateway.sync.reconcile import Report, reconcile
from shared.periodic import Periodic

log = structlog.get_logger(__name__)


class StockSync:
    def __init__(
        self,
        pool: Any,
        dsn: str,
        schema: str,
        channels: Channels,
        http: httpx.AsyncClient,
        metrics: SyncMetrics,
        reconcile_every: float,
    ) -> None:
        self._pool = pool
        self._metrics = metrics
        self._reconcile_every = reconcile_every
        self._scheduled = _Every(self)
        self._pushers: dict[str, ChannelStockPusher] = {}
        self._channels: dict[str, StockTarget] = {}
        for target in channels.syncing_stock():
            adapter = adapter_for(http, target)
            budget = RateBudget(target.stock.requests_per_second, target.stock.burst)
            self._channels[target.id] = target
            self._pushers[target.id] = ChannelStockPusher(
                pool, dsn, schema, target.channel, adapter, budget, metrics
            )

    async def start(self) -> None:
        for pusher in self._pushers.values():
            await pusher.start()
        if self._reconcile_every > 0:
            await self._scheduled.start()

    async def stop(self) -> None:
        await self._scheduled.stop()
        for pusher in self._pushers.values():
            await pusher.stop()

    def known(self, channel_id: str) -> bool:
        return channel_id in self._channels

    async def reconcile(self, channel_ids: list[str], dry_run: bool) -> list[Report]:
        reports = []
        for channel_id in channel_ids:
            pusher = self._pushers[channel_id]
            report = await reconcile(
                self._channels[channel_id], pusher.adapter, pusher.budget, self._pool, dry_run
            )
            if not dry_run:
                drifted = sum(1 for d in report.differences if d.kind == "mismatch")
                self._metrics.drift.labels(channel_id).set(drifted)
            reports.append(report)
        return reports

    async def reconcile_led_channels(self) -> float:
        """The scheduled round: the replica that pushes to a channel also checks it."""
        for channel_id, pusher in self._pushers.items():
            if not pusher.leads:
                continue
            try:
                await self.reconcile([channel_id], dry_run=False)
            except ConnectorError as exc:
                log.warning("reconciliation failed", channel=channel_id, error=str(exc))
        return self._reconcile_every

    @property
    def channel_ids(self) -> list[str]:
        return list(self._channels)


class _Every(Periodic):
    def __init__(self, sync: StockSync) -> None:
        super().__init__("stock-reconcile")
        self._sync = sync

    async def round(self) -> float:
        return await self._sync.reconcile_led_channels()
