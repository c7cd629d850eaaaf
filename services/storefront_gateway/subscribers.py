"""The storefront-gateway's Kafka edge: each wing registers its own consumers."""

from services.storefront_gateway import customers
from services.storefront_gateway.catalog import handlers as catalog
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback import subscribers as feedback
from services.storefront_gateway.sync import handlers as stock_sync
from shared import topics
from shared.events.catalog import CustomerChanged, PriceScheduled, ProductChanged
from shared.events.codec import Decoder
from shared.events.inventory import StockLevelChanged
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    async def on_stock_level(level: StockLevelChanged) -> None:
        await stock_sync.on_stock_level(level, runtime.uow(), channels)

    if channels.syncing_stock():
        runtime.consume(
            topics.STOCK_LEVELS,
            stock_sync.STOCK_CONSUMER,
            Decoder(StockLevelChanged),
            on_stock_level,
        )

    async def on_catalog(event: ProductChanged | PriceScheduled) -> None:
        await catalog.on_catalog(event, runtime.uow(), channels)

    async def on_customer(customer: CustomerChanged) -> None:
        await customers.record_customer(customer, runtime.uow())

    runtime.consume(
        topics.CATALOG,
        catalog.CATALOG_CONSUMER,
        Decoder(*topics.CATALOG.event_types),
        on_catalog,
        workers=1,
    )
    runtime.consume(
        topics.CUSTOMERS,
        customers.CUSTOMERS_CONSUMER,
        Decoder(CustomerChanged),
        on_customer,
        workers=1,
    )
    feedback.register(runtime, channels)
