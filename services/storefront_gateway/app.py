"""Wiring of the storefront-gateway.

Run: `uvicorn services.storefront_gateway.app:create_app --factory`.
"""

from pathlib import Path

from fastapi import FastAPI

from services.storefront_gateway.api import quarantine_router
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.webhooks import webhooks_router
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import STOREFRONT_GATEWAY


class StorefrontGatewaySettings(HubSettings):
    http_port: int = 8000
    channels_file: Path = Path("config/channels.yaml")
    max_body_bytes: int = 1024 * 1024


def create_app(settings: StorefrontGatewaySettings | None = None) -> FastAPI:
    settings = settings or StorefrontGatewaySettings()
    channels = Channels.load(settings.channels_file)
    runtime = ServiceRuntime(STOREFRONT_GATEWAY, settings, "services.storefront_gateway.migrations")
    return runtime.http_app(
        "Crossdock storefront-gateway",
        __doc__ or "",
        [
            webhooks_router(channels, runtime.uow, runtime.metrics, settings.max_body_bytes),
            quarantine_router(runtime.uow),
        ],
    )
