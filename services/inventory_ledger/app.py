"""Wiring of the inventory-ledger: `uvicorn services.inventory_ledger.app:create_app --factory`."""

from fastapi import FastAPI

from services.inventory_ledger import subscribers
from services.inventory_ledger.api import stock_router
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import INVENTORY_LEDGER


class InventoryLedgerSettings(HubSettings):
    http_port: int = 8002


def create_runtime(settings: InventoryLedgerSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(INVENTORY_LEDGER, settings, "services.inventory_ledger.migrations")
    subscribers.register(runtime)
    return runtime


def create_app(settings: InventoryLedgerSettings | None = None) -> FastAPI:
    settings = settings or InventoryLedgerSettings()
    runtime = create_runtime(settings)
    return runtime.http_app(
        "Crossdock inventory-ledger",
        __doc__ or "",
        [stock_router(runtime.uow, settings.admin_token.get_secret_value())],
    )
