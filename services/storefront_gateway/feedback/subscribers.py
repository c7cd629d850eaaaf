"""The feedback wing's Kafka edge: each event type to its use case."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback import handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDelivered, ShipmentDispatched
from shared.events.orders import OrderStatusChanged
from shared.runtime import ServiceRuntime

ON_SHIPMENTS: dict[type[Any], Callable[..., Awaitable[None]]] = {
    ShipmentDispatched: handlers.on_dispatched,
    ShipmentDelivered: handlers.on_delivered,
}


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    async def on_shipment(event: ShipmentDispatched | ShipmentDelivered) -> None:
        await ON_SHIPMENTS[type(event)](event, runtime.uow(), channels)

    async def on_status(change: OrderStatusChanged) -> None:
        await handlers.on_status(change, runtime.uow(), channels)

    runtime.consume(
        topics.SHIPMENTS,
        handlers.SHIPMENTS_CONSUMER,
        Decoder(*ON_SHIPMENTS, skipping=topics.SHIPMENTS.event_types),
        on_shipment,
    )
    runtime.consume(
        topics.ORDERS,
        handlers.ORDERS_CONSUMER,
        Decoder(OrderStatusChanged, skipping=topics.ORDERS.event_types),
        on_status,
    )
