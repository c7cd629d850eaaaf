"""Wiring of the storefront-gateway.

Run: `uvicorn services.storefront_gateway.app:create_app --factory`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from services.storefront_gateway import subscribers
from services.storefront_gateway.api import quarantine_router
from services.storefront_gateway.channel_api import ChannelApi
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback_sender import FeedbackSender
from services.storefront_gateway.more_webhooks import sales_router
from services.storefront_gateway.sync.api import stock_sync_router
from services.storefront_gateway.sync.metrics import SyncMetrics
from services.storefront_gateway.sync.runner import StockSync
from services.storefront_gateway.webhooks import webhooks_router
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import STOREFRONT_GATEWAY


class StorefrontGatewaySettings(HubSettings):
    http_port: int = 8000
    channels_file: Path = Path("config/channels.yaml")
    max_body_bytes: int = 1024 * 1024
    feedback_backoff_seconds: float = 0.5
    admin_token: SecretStr
    reconcile_interval_seconds: float = 300.0


def create_app(settings: StorefrontGatewaySettings | None = None) -> FastAPI:
    settings = settings or StorefrontGatewaySettings()
    channels = Channels.load(settings.channels_file)
    runtime = ServiceRuntime(STOREFRONT_GATEWAY, settings, "services.storefront_gateway.migrations")
    subscribers.register(runtime, channels)

    apis: list[ChannelApi] = []
    syncs: list[StockSync] = []
    sync_metrics = SyncMetrics(runtime.metrics.registry)

    @asynccontextmanager
    async def talking_back(_: FastAPI) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        async with httpx.AsyncClient(limits=limits) as http:
            apis.append(ChannelApi(http))
            sender = FeedbackSender(
                runtime.pool,
                settings.database_url,
                channels,
                apis[0],
                settings.feedback_backoff_seconds,
            )
            syncs.append(
                StockSync(
                    runtime.pool,
                    settings.database_url,
                    runtime.schema,
                    channels,
                    http,
                    sync_metrics,
                    settings.reconcile_interval_seconds,
                )
            )
            await sender.start()
            await syncs[0].start()
            try:
                yield
            finally:
                await syncs[0].stop()
                await sender.stop()

    return runtime.http_app(
        "Crossdock storefront-gateway",
        __doc__ or "",
        [
            webhooks_router(
                channels, runtime.uow, runtime.metrics, settings.max_body_bytes, lambda: apis[0]
            ),
            sales_router(channels, runtime.uow, runtime.metrics, settings.max_body_bytes),
            quarantine_router(runtime.uow),
            stock_sync_router(lambda: syncs[0], settings.admin_token.get_secret_value()),
        ],
        extra_lifespan=talking_back,
    )
