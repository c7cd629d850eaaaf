"""The inventory-ledger's Kafka edge."""

from services.inventory_ledger import dispatches, handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import ReserveStock
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    async def on_reserve_stock(command: ReserveStock) -> None:
        await handlers.reserve_stock(command, runtime.uow())

    async def on_shipment_dispatched(dispatch: ShipmentDispatched) -> None:
        await dispatches.commit_dispatch(dispatch, runtime.uow())

    runtime.consume(
        topics.STOCK_COMMANDS, handlers.CONSUMER, Decoder(ReserveStock), on_reserve_stock
    )
    runtime.consume(
        topics.SHIPMENTS,
        dispatches.CONSUMER,
        Decoder(ShipmentDispatched, skipping=topics.SHIPMENTS.event_types),
        on_shipment_dispatched,
    )
