"""The inventory-ledger's Kafka edge."""

from services.inventory_ledger import counter_sales, dispatches, handlers, releases, restocking
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import HandOverStock, ReleaseStock, ReserveStock
from shared.events.returns import ReturnReceived
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    # Reserve and release for one order arrive in order on one partition, so one
    # consumer takes both: a release can never overtake its reservation.
    async def on_stock_command(command: ReserveStock | ReleaseStock | HandOverStock) -> None:
        if isinstance(command, ReserveStock):
            await handlers.reserve_stock(command, runtime.uow())
        elif isinstance(command, ReleaseStock):
            await releases.release_stock(command, runtime.uow(), handlers.CONSUMER)
        else:
            await counter_sales.hand_over(command, runtime.uow(), handlers.CONSUMER)

    async def on_goods_moved(event: ShipmentDispatched | ReturnReceived) -> None:
        if isinstance(event, ShipmentDispatched):
            await dispatches.commit_dispatch(event, runtime.uow())
        else:
            await restocking.restock_return(event, runtime.uow(), dispatches.CONSUMER)

    runtime.consume(
        topics.STOCK_COMMANDS,
        handlers.CONSUMER,
        Decoder(*topics.STOCK_COMMANDS.event_types),
        on_stock_command,
    )
    runtime.consume(
        topics.SHIPMENTS,
        dispatches.CONSUMER,
        Decoder(ShipmentDispatched, ReturnReceived, skipping=topics.SHIPMENTS.event_types),
        on_goods_moved,
    )
