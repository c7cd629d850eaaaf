"""The accounting-poster's Kafka edge."""

from services.accounting_poster import handlers
from services.accounting_poster.chart import Rules
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import StockHandedOver
from shared.events.orders import OrderPlaced, OrderStatusChanged
from shared.events.returns import RefundIssued, ReturnReceived
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, rules: Rules) -> None:
    async def on_storefront_order(event: OrderPlaced | RefundIssued) -> None:
        if isinstance(event, OrderPlaced):
            await handlers.remember_order(event, runtime.uow(), rules)
        else:
            await handlers.post_refund(event, runtime.uow(), rules)

    async def on_status_changed(change: OrderStatusChanged) -> None:
        await handlers.note_acceptance(change, runtime.uow(), rules)

    async def on_goods_moved(event: ShipmentDispatched | ReturnReceived) -> None:
        if isinstance(event, ShipmentDispatched):
            await handlers.post_cogs(event, runtime.uow(), rules)
        else:
            await handlers.post_cogs_back(event, runtime.uow(), rules)

    async def on_counter_sale(handed: StockHandedOver) -> None:
        await handlers.post_counter_cogs(handed, runtime.uow(), rules)

    runtime.consume(
        topics.STOCK_RESERVATIONS,
        handlers.POST_COUNTER_COGS,
        Decoder(StockHandedOver, skipping=topics.STOCK_RESERVATIONS.event_types),
        on_counter_sale,
    )
    runtime.consume(
        topics.STOREFRONT_ORDERS,
        handlers.REMEMBER_ORDER,
        Decoder(OrderPlaced, RefundIssued, skipping=topics.STOREFRONT_ORDERS.event_types),
        on_storefront_order,
    )
    runtime.consume(
        topics.ORDERS,
        handlers.NOTE_ACCEPTANCE,
        Decoder(OrderStatusChanged, skipping=topics.ORDERS.event_types),
        on_status_changed,
    )
    runtime.consume(
        topics.SHIPMENTS,
        handlers.POST_COGS,
        Decoder(ShipmentDispatched, ReturnReceived, skipping=topics.SHIPMENTS.event_types),
        on_goods_moved,
    )
