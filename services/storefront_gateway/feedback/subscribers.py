"""The feedback wing's Kafka edge: each topic's event types routed, by a table, to their
use cases; other event types of a topic are skipped."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback import handlers
from shared import topics
from shared.db import UnitOfWork
from shared.events.codec import Decoder
from shared.events.fulfilment import (
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentTrackingUpdated,
)
from shared.events.orders import OrderCancellationRefused, OrderStatusChanged
from shared.events.returns import RefundIssued
from shared.runtime import ServiceRuntime

UseCase = Callable[[Any, UnitOfWork, Channels], Awaitable[None]]

# (topic, consumer, event type -> use case)
ROUTES: tuple[tuple[topics.Topic, str, dict[type[Any], UseCase]], ...] = (
    (
        topics.SHIPMENTS,
        handlers.SHIPMENTS_CONSUMER,
        {
            ShipmentDispatched: handlers.on_dispatched,
            ShipmentDelivered: handlers.on_delivered,
            ShipmentTrackingUpdated: handlers.on_tracking,
        },
    ),
    # The gateway's own topic: the intake wing publishes the refund, this wing tells the
    # customer (no wing reaches into another's queue).
    (topics.STOREFRONT_ORDERS, handlers.REFUNDS_CONSUMER, {RefundIssued: handlers.on_refunded}),
    (
        topics.ORDERS,
        handlers.ORDERS_CONSUMER,
        {
            OrderStatusChanged: handlers.on_status,
            OrderCancellationRefused: handlers.on_cancellation_refused,
        },
    ),
)


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    for topic, consumer, table in ROUTES:
        decoder = Decoder(*table, skipping=topic.event_types)
        runtime.consume(topic, consumer, decoder, _routed(runtime, table, channels))


def _routed(
    runtime: ServiceRuntime, table: dict[type[Any], UseCase], channels: Channels
) -> Callable[[Any], Awaitable[None]]:
    async def handle(event: Any) -> None:
        await table[type(event)](event, runtime.uow(), channels)

    return handle
