"""The order-router's Kafka edge: each topic's event types routed, by a table, to their
use cases. Placement, cancellation and refund of one order share a partition and one
consumer, so a cancellation is never handled before its order."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.order_router import backorders, credit, fulfilment, handlers, returns
from services.order_router.locations import Location
from shared import topics
from shared.db import UnitOfWork
from shared.events.catalog import CustomerChanged
from shared.events.codec import Decoder
from shared.events.inventory import StockLevelChanged
from shared.events.orders import (
    OrderAmended,
    OrderCancellationRequested,
    OrderPaid,
    OrderPlaced,
)
from shared.events.returns import RefundIssued, ReturnReceived
from shared.runtime import ServiceRuntime

Locations = tuple[Location, ...]
UseCase = Callable[[Any, UnitOfWork, Locations], Awaitable[None]]


async def _place(order: OrderPlaced, uow: UnitOfWork, locations: Locations) -> None:
    await handlers.place_order(order, uow, locations)


async def _paid(payment: OrderPaid, uow: UnitOfWork, locations: Locations) -> None:
    await handlers.take_payment(payment, uow, locations)


async def _cancel(request: OrderCancellationRequested, uow: UnitOfWork, _: Locations) -> None:
    await handlers.take_cancellation(request, uow)


async def _amend(amendment: OrderAmended, uow: UnitOfWork, locations: Locations) -> None:
    await handlers.take_amendment(amendment, uow, locations)


async def _refund(refund: RefundIssued, uow: UnitOfWork, _: Locations) -> None:
    await handlers.take_refund(refund, uow)


async def _verdict(verdict: Any, uow: UnitOfWork, locations: Locations) -> None:
    await handlers.record_reservation(verdict, uow, locations)


async def _follow(event: Any, uow: UnitOfWork, locations: Locations) -> None:
    await fulfilment.follow_shipment(event, uow, locations)


async def _returned(received: ReturnReceived, uow: UnitOfWork, _: Locations) -> None:
    await returns.return_received(received, uow, fulfilment.CONSUMER)


async def _stock_level(level: StockLevelChanged, uow: UnitOfWork, locations: Locations) -> None:
    await backorders.retry_backorders(level, uow, locations)


async def _account(customer: CustomerChanged, uow: UnitOfWork, _: Locations) -> None:
    async with uow:
        await credit.record_account(uow.connection, customer)
        await uow.commit()


# (topic, consumer, event type -> use case)
ROUTES: tuple[tuple[topics.Topic, str, dict[type[Any], UseCase]], ...] = (
    (
        topics.STOREFRONT_ORDERS,
        handlers.PLACE_ORDER,
        {
            OrderPlaced: _place,
            OrderPaid: _paid,
            OrderAmended: _amend,
            OrderCancellationRequested: _cancel,
            RefundIssued: _refund,
        },
    ),
    (
        topics.STOCK_RESERVATIONS,
        handlers.RECORD_RESERVATION,
        dict.fromkeys(topics.STOCK_RESERVATIONS.event_types, _verdict),
    ),
    (
        topics.SHIPMENTS,
        fulfilment.CONSUMER,
        {**dict.fromkeys(topics.SHIPMENTS.event_types, _follow), ReturnReceived: _returned},
    ),
    (topics.STOCK_LEVELS, backorders.RETRY_BACKORDERS, {StockLevelChanged: _stock_level}),
    (topics.CUSTOMERS, credit.ACCOUNTS_CONSUMER, {CustomerChanged: _account}),
)


def register(runtime: ServiceRuntime, locations: Locations) -> None:
    for topic, consumer, table in ROUTES:
        decoder = Decoder(*table, skipping=topic.event_types)
        runtime.consume(topic, consumer, decoder, _routed(runtime, table, locations))


def _routed(
    runtime: ServiceRuntime, table: dict[type[Any], UseCase], locations: Locations
) -> Callable[[Any], Awaitable[None]]:
    async def handle(event: Any) -> None:
        await table[type(event)](event, runtime.uow(), locations)

    return handle
