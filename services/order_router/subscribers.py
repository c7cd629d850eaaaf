"""The order-router's Kafka edge."""

from services.order_router import fulfilment, handlers
from services.order_router.locations import Location
from shared import topics
from shared.events.codec import Decoder
from shared.events.inventory import StockReservationRejected, StockReserved
from shared.events.orders import OrderPlaced
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, locations: tuple[Location, ...]) -> None:
    async def on_order_placed(order: OrderPlaced) -> None:
        await handlers.place_order(order, runtime.uow(), locations)

    async def on_reservation_verdict(verdict: StockReserved | StockReservationRejected) -> None:
        await handlers.record_reservation(verdict, runtime.uow(), locations)

    async def on_shipment_event(event: fulfilment.ShipmentEvent) -> None:
        await fulfilment.follow_shipment(event, runtime.uow())

    runtime.consume(
        topics.STOREFRONT_ORDERS, handlers.PLACE_ORDER, Decoder(OrderPlaced), on_order_placed
    )
    runtime.consume(
        topics.STOCK_RESERVATIONS,
        handlers.RECORD_RESERVATION,
        Decoder(StockReserved, StockReservationRejected),
        on_reservation_verdict,
    )
    runtime.consume(
        topics.SHIPMENTS,
        fulfilment.CONSUMER,
        Decoder(*topics.SHIPMENTS.event_types),
        on_shipment_event,
    )
