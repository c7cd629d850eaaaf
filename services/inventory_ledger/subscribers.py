"""The inventory-ledger's Kafka edge: each topic's event types routed, by a table, to
their use cases. Reserve, reallocate and release for one order arrive in order on one
partition and one consumer, so a release can never overtake its reservation."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.inventory_ledger import (
    channel_counts,
    counter_sales,
    dispatches,
    handlers,
    reallocations,
    releases,
    restocking,
)
from shared import topics
from shared.db import UnitOfWork
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import (
    HandOverStock,
    ReallocateStock,
    ReleaseStock,
    ReserveStock,
    StockCounted,
)
from shared.events.returns import ReturnReceived
from shared.runtime import ServiceRuntime

UseCase = Callable[[Any, UnitOfWork], Awaitable[None]]


async def _release(command: ReleaseStock, uow: UnitOfWork) -> None:
    await releases.release_stock(command, uow, handlers.CONSUMER)


async def _reallocate(command: ReallocateStock, uow: UnitOfWork) -> None:
    await reallocations.reallocate_stock(command, uow, handlers.CONSUMER)


async def _hand_over(command: HandOverStock, uow: UnitOfWork) -> None:
    await counter_sales.hand_over(command, uow, handlers.CONSUMER)


async def _restock(received: ReturnReceived, uow: UnitOfWork) -> None:
    await restocking.restock_return(received, uow, dispatches.CONSUMER)


# (topic, consumer, event type -> use case); other event types of a topic are skipped.
ROUTES: tuple[tuple[topics.Topic, str, dict[type[Any], UseCase]], ...] = (
    (
        topics.STOCK_COMMANDS,
        handlers.CONSUMER,
        {
            ReserveStock: handlers.reserve_stock,
            ReleaseStock: _release,
            ReallocateStock: _reallocate,
            HandOverStock: _hand_over,
        },
    ),
    (
        topics.SHIPMENTS,
        dispatches.CONSUMER,
        {ShipmentDispatched: dispatches.commit_dispatch, ReturnReceived: _restock},
    ),
    (topics.STOCK_COUNTS, channel_counts.CONSUMER, {StockCounted: channel_counts.take_count}),
)


def register(runtime: ServiceRuntime) -> None:
    for topic, consumer, table in ROUTES:
        decoder = Decoder(*table, skipping=topic.event_types)
        runtime.consume(topic, consumer, decoder, _routed(runtime, table))


def _routed(
    runtime: ServiceRuntime, table: dict[type[Any], UseCase]
) -> Callable[[Any], Awaitable[None]]:
    async def handle(event: Any) -> None:
        await table[type(event)](event, runtime.uow())

    return handle
