"""Wiring of the order-router: `uvicorn services.order_router.app:create_app --factory`."""

from pathlib import Path

from fastapi import FastAPI

from services.order_router import api, subscribers
from services.order_router.locations import load_locations
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import ORDER_ROUTER


class OrderRouterSettings(HubSettings):
    http_port: int = 8001
    locations_file: Path = Path("config/locations.yaml")


def create_app(settings: OrderRouterSettings | None = None) -> FastAPI:
    settings = settings or OrderRouterSettings()
    runtime = ServiceRuntime(ORDER_ROUTER, settings, "services.order_router.migrations")
    locations = load_locations(settings.locations_file)
    subscribers.register(runtime, locations)
    app = runtime.http_app("Crossdock order-router", __doc__ or "", [api.router])
    app.state.locations = locations  # where approved orders are routed from (api.Locations)
    return app
