"""Wiring of the shipping-bridge.

Run: `uvicorn services.shipping_bridge.app:create_app --factory`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.shipping_bridge import subscribers
from services.shipping_bridge.api import tpl_router
from services.shipping_bridge.client import FulfillerClient
from services.shipping_bridge.fulfillers import Fulfillers
from services.shipping_bridge.sender import ShipmentSender
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import SHIPPING_BRIDGE


class ShippingBridgeSettings(HubSettings):
    http_port: int = 8003
    fulfillers_file: Path = Path("config/fulfillers.yaml")
    send_backoff_seconds: float = 0.5


def create_app(settings: ShippingBridgeSettings | None = None) -> FastAPI:
    settings = settings or ShippingBridgeSettings()
    fulfillers = Fulfillers.load(settings.fulfillers_file)
    runtime = ServiceRuntime(SHIPPING_BRIDGE, settings, "services.shipping_bridge.migrations")

    subscribers.register(runtime)

    @asynccontextmanager
    async def sending(_: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as http:
            sender = ShipmentSender(
                runtime.pool,
                settings.database_url,
                runtime.uow,
                FulfillerClient(http, fulfillers),
                settings.send_backoff_seconds,
            )
            await sender.start()
            try:
                yield
            finally:
                await sender.stop()

    return runtime.http_app(
        "Crossdock shipping-bridge",
        __doc__ or "",
        [tpl_router(fulfillers, runtime.uow)],
        extra_lifespan=sending,
    )
