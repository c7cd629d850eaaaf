"""The stock-sync wing's Kafka edge: the ledger's levels, to what each channel is owed.
Subscribed only where some channel syncs stock."""

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.sync import handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.inventory import StockLevelChanged
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    async def on_stock_level(level: StockLevelChanged) -> None:
        await handlers.on_stock_level(level, runtime.uow(), channels)

    if channels.syncing_stock():
        runtime.consume(
            topics.STOCK_LEVELS, handlers.STOCK_CONSUMER, Decoder(StockLevelChanged), on_stock_level
        )
