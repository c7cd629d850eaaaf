"""The accounting-poster's Kafka edge: each topic's event types routed, by a table, to
their use cases."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.accounting_poster import handlers
from services.accounting_poster.chart import Rules
from shared import topics
from shared.db import UnitOfWork
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import StockHandedOver
from shared.events.orders import OrderPaid, OrderPlaced, OrderStatusChanged
from shared.events.returns import RefundIssued, ReturnReceived
from shared.runtime import ServiceRuntime

UseCase = Callable[[Any, UnitOfWork, Rules], Awaitable[None]]

# (topic, consumer, event type -> use case); other event types of a topic are skipped.
ROUTES: tuple[tuple[topics.Topic, str, dict[type[Any], UseCase]], ...] = (
    (
        topics.STOREFRONT_ORDERS,
        handlers.REMEMBER_ORDER,
        {
            OrderPlaced: handlers.remember_order,
            OrderPaid: handlers.note_payment,
            RefundIssued: handlers.post_refund,
        },
    ),
    (topics.ORDERS, handlers.NOTE_ACCEPTANCE, {OrderStatusChanged: handlers.note_acceptance}),
    (
        topics.SHIPMENTS,
        handlers.POST_COGS,
        {ShipmentDispatched: handlers.post_cogs, ReturnReceived: handlers.post_cogs_back},
    ),
    (
        topics.STOCK_RESERVATIONS,
        handlers.POST_COUNTER_COGS,
        {StockHandedOver: handlers.post_counter_cogs},
    ),
)


def register(runtime: ServiceRuntime, rules: Rules) -> None:
    for topic, consumer, table in ROUTES:
        decoder = Decoder(*table, skipping=topic.event_types)
        runtime.consume(topic, consumer, decoder, _routed(runtime, table, rules))


def _routed(
    runtime: ServiceRuntime, table: dict[type[Any], UseCase], rules: Rules
) -> Callable[[Any], Awaitable[None]]:
    async def handle(event: Any) -> None:
        await table[type(event)](event, runtime.uow(), rules)

    return handle
