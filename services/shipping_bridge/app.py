"""Wiring of the shipping-bridge.

Run: `uvicorn services.shipping_bridge.app:create_app --factory`.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.shipping_bridge import api as tpl_api
from services.shipping_bridge import edi_api, subscribers, tracking_webhooks
from services.shipping_bridge.client import FulfillerClient
from services.shipping_bridge.fulfillers import Fulfillers
from services.shipping_bridge.reconciler import QuietShipmentReconciler
from services.shipping_bridge.sender import ShipmentSender
from services.shipping_bridge.shipstation import ShipStationSettings
from services.shipping_bridge.tracking_webhooks import TrackingDoors
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import SHIPPING_BRIDGE


class ShippingBridgeSettings(HubSettings):
    http_port: int = 8003
    fulfillers_file: Path = Path("config/fulfillers.yaml")
    send_backoff_seconds: float = 0.5
    # A shipment at a 3PL with no callback for this long is asked after (lost callbacks).
    shipment_quiet_seconds: float = Field(900.0, gt=0)
    shipstation_api_url: str | None = None
    shipstation_api_key: SecretStr | None = None
    shipstation_api_secret: SecretStr | None = None
    shipstation_fulfiller: str | None = None
    shipstation_webhook_token: SecretStr | None = None
    # Hosts a SHIP_NOTIFY resource_url may name (only its path is taken: the fetch goes
    # to shipstation_api_url), and which ShipStation store is which channel.
    shipstation_resource_hosts: str = r"ssapi\d*\.shipstation\.com"
    shipstation_stores: dict[str, str] = Field(default_factory=dict)
    easypost_webhook_secret: SecretStr | None = None
    edi_id: str = Field("CROSSDOCK", description="Our X12 interchange id (ISA08 of an 856).")

    def shipstation(self) -> ShipStationSettings | None:
        values: dict[str, Any] = dict(
            api_url=self.shipstation_api_url,
            api_key=self.shipstation_api_key,
            api_secret=self.shipstation_api_secret,
            fulfiller=self.shipstation_fulfiller,
            token=self.shipstation_webhook_token,
        )
        if not all(values.values()):
            return None
        hosts, stores = self.shipstation_resource_hosts, self.shipstation_stores
        return ShipStationSettings(**values, resource_hosts=hosts, stores=stores)


def create_app(settings: ShippingBridgeSettings | None = None) -> FastAPI:
    settings = settings or ShippingBridgeSettings()
    fulfillers = Fulfillers.load(settings.fulfillers_file)
    runtime = ServiceRuntime(SHIPPING_BRIDGE, settings, "services.shipping_bridge.migrations")

    subscribers.register(runtime)

    clients: list[httpx.AsyncClient] = []

    def sending(_: FastAPI) -> AbstractAsyncContextManager[None]:
        return background(runtime, settings, fulfillers, clients)

    app = runtime.http_app(
        "Crossdock shipping-bridge",
        __doc__ or "",
        [],
        extra_lifespan=sending,
        doors=[tpl_api.router, edi_api.router, tracking_webhooks.router],
    )
    app.state.fulfillers = fulfillers  # whose keys the 3PL API takes (api.calling_fulfiller)
    app.state.edi_id = settings.edi_id
    app.state.tracking = TrackingDoors(
        settings.shipstation(), settings.easypost_webhook_secret, lambda: clients[0]
    )
    return app


@asynccontextmanager
async def background(
    runtime: ServiceRuntime,
    settings: ShippingBridgeSettings,
    fulfillers: Fulfillers,
    clients: list[httpx.AsyncClient],
) -> AsyncIterator[None]:
    """The sender (shipments to their 3PLs) and the reconciler (quiet shipments asked
    after), on one HTTP client the tracking webhooks use too."""
    async with httpx.AsyncClient() as http:
        clients.append(http)
        client = FulfillerClient(http, fulfillers)
        sender = ShipmentSender(
            runtime.pool, settings.database_url, runtime.uow, client, settings.send_backoff_seconds
        )
        reconciler = QuietShipmentReconciler(
            runtime.pool, runtime.uow, client, settings.shipment_quiet_seconds
        )
        await sender.start()
        await reconciler.start()
        try:
            yield
        finally:
            await reconciler.stop()
            await sender.stop()
