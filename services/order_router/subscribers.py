"""The order-router's Kafka edge."""

from services.order_router import backorders, credit, fulfilment, handlers, returns
from services.order_router.locations import Location
from shared import topics
from shared.events.catalog import CustomerChanged
from shared.events.codec import Decoder
from shared.events.inventory import (
    StockHandedOver,
    StockLevelChanged,
    StockReleased,
    StockReservationRejected,
    StockReserved,
)
from shared.events.orders import OrderCancellationRequested, OrderPlaced
from shared.events.returns import RefundIssued, ReturnReceived
from shared.runtime import ServiceRuntime

Verdict = StockReserved | StockReservationRejected | StockReleased | StockHandedOver


def register(runtime: ServiceRuntime, locations: tuple[Location, ...]) -> None:
    # Placement and cancellation of one order share a partition and one consumer, so a
    # cancellation is never handled before its order.
    async def on_storefront_order(
        event: OrderPlaced | OrderCancellationRequested | RefundIssued,
    ) -> None:
        if isinstance(event, OrderPlaced):
            await handlers.place_order(event, runtime.uow(), locations)
        elif isinstance(event, OrderCancellationRequested):
            await handlers.take_cancellation(event, runtime.uow())
        else:
            await handlers.take_refund(event, runtime.uow())

    async def on_stock_verdict(verdict: Verdict) -> None:
        await handlers.record_reservation(verdict, runtime.uow(), locations)

    async def on_shipment_event(event: fulfilment.ShipmentEvent | ReturnReceived) -> None:
        if isinstance(event, ReturnReceived):
            await returns.return_received(event, runtime.uow(), fulfilment.CONSUMER)
        else:
            await fulfilment.follow_shipment(event, runtime.uow())

    runtime.consume(
        topics.STOREFRONT_ORDERS,
        handlers.PLACE_ORDER,
        Decoder(*topics.STOREFRONT_ORDERS.event_types),
        on_storefront_order,
    )
    runtime.consume(
        topics.STOCK_RESERVATIONS,
        handlers.RECORD_RESERVATION,
        Decoder(*topics.STOCK_RESERVATIONS.event_types),
        on_stock_verdict,
    )

    async def on_stock_level(level: StockLevelChanged) -> None:
        await backorders.retry_backorders(level, runtime.uow(), locations)

    runtime.consume(
        topics.STOCK_LEVELS, backorders.RETRY_BACKORDERS, Decoder(StockLevelChanged), on_stock_level
    )

    async def on_customer(customer: CustomerChanged) -> None:
        async with runtime.uow() as uow:
            await credit.record_account(uow.connection, customer)
            await uow.commit()

    runtime.consume(
        topics.CUSTOMERS, credit.ACCOUNTS_CONSUMER, Decoder(CustomerChanged), on_customer, workers=1
    )
    runtime.consume(
        topics.SHIPMENTS,
        fulfilment.CONSUMER,
        Decoder(*topics.SHIPMENTS.event_types),
        on_shipment_event,
    )
