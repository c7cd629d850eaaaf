"""The inventory-ledger's Kafka edge."""

from services.inventory_ledger import handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.inventory import ReserveStock
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    async def on_reserve_stock(command: ReserveStock) -> None:
        await handlers.reserve_stock(command, runtime.uow())

    runtime.consume(
        topics.STOCK_COMMANDS, handlers.CONSUMER, Decoder(ReserveStock), on_reserve_stock
    )
