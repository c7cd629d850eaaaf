"""Wiring of the shipping-bridge: `uvicorn services.shipping_bridge.app:create_app --factory`."""

from fastapi import FastAPI

from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import SHIPPING_BRIDGE


class ShippingBridgeSettings(HubSettings):
    http_port: int = 8003


def create_app(settings: ShippingBridgeSettings | None = None) -> FastAPI:
    settings = settings or ShippingBridgeSettings()
    runtime = ServiceRuntime(SHIPPING_BRIDGE, settings, "services.shipping_bridge.migrations")
    return runtime.http_app("Crossdock shipping-bridge", __doc__ or "", [])
