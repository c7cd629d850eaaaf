"""The catalog wing's Kafka edge: products and prices to channels, customers to the
pricing read model. The ERP wing publishes both topics; this wing reads them, as any
other service would."""

from services.storefront_gateway.catalog import handlers
from services.storefront_gateway.channels import Channels
from shared import topics
from shared.events.catalog import CustomerChanged, PriceScheduled, ProductChanged
from shared.events.codec import Decoder
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    async def on_catalog(event: ProductChanged | PriceScheduled) -> None:
        await handlers.on_catalog(event, runtime.uow(), channels)

    async def on_customer(customer: CustomerChanged) -> None:
        await handlers.record_customer(customer, runtime.uow())

    runtime.consume(
        topics.CATALOG,
        handlers.CATALOG_CONSUMER,
        Decoder(*topics.CATALOG.event_types),
        on_catalog,
    )
    runtime.consume(
        topics.CUSTOMERS,
        handlers.CUSTOMERS_CONSUMER,
        Decoder(CustomerChanged),
        on_customer,
    )
