"""The gateway's background work, started after the pool and broker are up and stopped
before them: status back to channels, stock/price/catalog pushes, the price clock, and —
where an ERP is configured — reading it and sending it new accounts."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.storefront_gateway.catalog.scheduler import PriceClock
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.connectors.channel_api import ChannelApi
from services.storefront_gateway.connectors.erp import ErpClient
from services.storefront_gateway.connectors.smtp import Mailer
from services.storefront_gateway.erp.accounts import AccountExporter
from services.storefront_gateway.erp.poller import ErpPoller
from services.storefront_gateway.feedback.sender import FeedbackSender
from services.storefront_gateway.sync.metrics import SyncMetrics
from services.storefront_gateway.sync.runner import StockSync
from shared.feeds import FeedConfig, FeedPoller, Process, source_for
from shared.runtime import ServiceRuntime


@dataclass
class Background:
    """What the HTTP routes need from the running background work."""

    channel_api: ChannelApi | None = None
    http: httpx.AsyncClient | None = None
    stock_sync: StockSync | None = None
    loops: list[Any] = field(default_factory=list)

    def started_channel_api(self) -> ChannelApi:
        assert self.channel_api is not None, "the app has not started"
        return self.channel_api

    def started_http(self) -> httpx.AsyncClient:
        assert self.http is not None, "the app has not started"
        return self.http

    def started_stock_sync(self) -> StockSync:
        assert self.stock_sync is not None, "the app has not started"
        return self.stock_sync


@asynccontextmanager
async def running(
    runtime: ServiceRuntime,
    settings: Any,
    channels: Channels,
    metrics: SyncMetrics,
    into: Background,
    order_feeds: list[FeedConfig],
    take_orders: Process,
    more: list[Any],
) -> AsyncIterator[None]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(limits=limits) as http, AsyncExitStack() as stack:
        into.channel_api = ChannelApi(http, settings.edi_id)
        into.http = http
        dsn, pool = settings.database_url, runtime.pool
        into.stock_sync = StockSync(
            pool, dsn, runtime.schema, channels, http, metrics, settings.reconcile_interval_seconds
        )
        loops: list[Any] = [
            _feedback(runtime, settings, channels, into.channel_api),
            into.stock_sync,
            PriceClock(runtime.uow, channels),
        ]
        if settings.erp_url:
            erp = ErpClient(http, settings.erp_url, settings.erp_token.get_secret_value())
            loops += [
                ErpPoller(runtime.uow, erp, settings.erp_poll_seconds),
                AccountExporter(pool, dsn, runtime.schema, erp),
            ]
        loops += [FeedPoller(f, source_for(f), take_orders, runtime.uow) for f in order_feeds]
        loops += more
        for loop in loops:
            await loop.start()
            stack.push_async_callback(loop.stop)
        into.loops = loops
        yield


def _feedback(
    runtime: ServiceRuntime, settings: Any, channels: Channels, api: ChannelApi
) -> FeedbackSender:
    backoff = settings.feedback_backoff_seconds
    dsn = settings.database_url
    return FeedbackSender(runtime.pool, dsn, channels, api, backoff, _mailer(settings))


def _mailer(settings: Any) -> Mailer | None:
    if not settings.smtp_host:
        return None
    return Mailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.mail_from,
        settings.smtp_username,
        settings.smtp_password.get_secret_value() or None,
        settings.smtp_starttls,
    )
