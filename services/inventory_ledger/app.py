"""Wiring of the inventory-ledger: `uvicorn services.inventory_ledger.app:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.inventory_ledger import subscribers
from services.inventory_ledger.api import feeds_router, stock_router
from services.inventory_ledger.snapshots import take_snapshot
from shared.config import HubSettings
from shared.feeds import FeedPoller, load_feeds, source_for
from shared.runtime import ServiceRuntime
from shared.topics import INVENTORY_LEDGER


class InventoryLedgerSettings(HubSettings):
    http_port: int = 8002
    feeds_file: Path | None = Path("config/feeds.yaml")


def create_runtime(settings: InventoryLedgerSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(INVENTORY_LEDGER, settings, "services.inventory_ledger.migrations")
    subscribers.register(runtime)
    return runtime


def create_app(settings: InventoryLedgerSettings | None = None) -> FastAPI:
    settings = settings or InventoryLedgerSettings()
    runtime = create_runtime(settings)
    feeds = load_feeds(settings.feeds_file, "inventory")

    @asynccontextmanager
    async def taking_feeds(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for feed in feeds:
                poller = FeedPoller(feed, source_for(feed), take_snapshot, runtime.uow)
                await poller.start()
                stack.push_async_callback(poller.stop)
            yield

    return runtime.http_app(
        "Crossdock inventory-ledger",
        __doc__ or "",
        [
            stock_router(runtime.uow),
            feeds_router(runtime.uow),
        ],
        extra_lifespan=taking_feeds,
    )
