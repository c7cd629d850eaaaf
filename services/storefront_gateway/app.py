"""Wiring of the storefront-gateway.

Run: `uvicorn services.storefront_gateway.app:create_app --factory`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.storefront_gateway import subscribers
from services.storefront_gateway.api import quarantine_router
from services.storefront_gateway.channel_api import ChannelApi
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback_sender import FeedbackSender
from services.storefront_gateway.webhooks import webhooks_router
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import STOREFRONT_GATEWAY


class StorefrontGatewaySettings(HubSettings):
    http_port: int = 8000
    channels_file: Path = Path("config/channels.yaml")
    max_body_bytes: int = 1024 * 1024
    feedback_backoff_seconds: float = 0.5


def create_app(settings: StorefrontGatewaySettings | None = None) -> FastAPI:
    settings = settings or StorefrontGatewaySettings()
    channels = Channels.load(settings.channels_file)
    runtime = ServiceRuntime(STOREFRONT_GATEWAY, settings, "services.storefront_gateway.migrations")
    subscribers.register(runtime, channels)

    apis: list[ChannelApi] = []

    @asynccontextmanager
    async def talking_back(_: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as http:
            apis.append(ChannelApi(http))
            sender = FeedbackSender(
                runtime.pool,
                settings.database_url,
                channels,
                apis[0],
                settings.feedback_backoff_seconds,
            )
            await sender.start()
            try:
                yield
            finally:
                await sender.stop()

    return runtime.http_app(
        "Crossdock storefront-gateway",
        __doc__ or "",
        [
            webhooks_router(
                channels, runtime.uow, runtime.metrics, settings.max_body_bytes, lambda: apis[0]
            ),
            quarantine_router(runtime.uow),
        ],
        extra_lifespan=talking_back,
    )
