"""A cancellation racing a 3PL that ships anyway: the release (on stock-commands) and the
dispatch (on shipments) reach the ledger in either order, or at once. Stock stays
conserved either way, never below zero, and the audit agrees (real PostgreSQL)."""

import asyncio
import uuid

import pytest

from services.inventory_ledger import handlers, repository
from services.inventory_ledger.dispatches import DispatchWithoutReservation, commit_dispatch
from services.inventory_ledger.releases import release_stock
from shared.events.fulfilment import ShipmentDispatched, ShipmentLine
from shared.events.inventory import Allocation, ReleaseStock
from tests.integration.test_reservations import put, reserve, stock, uow


async def reserved_order(pool, sku: str, quantity: int) -> uuid.UUID:
    command = reserve([(sku, quantity)], locations=("a",))
    await handlers.reserve_stock(command, uow(pool))
    return command.order_id


def dispatched(order_id: uuid.UUID, sku: str, quantity: int) -> ShipmentDispatched:
    return ShipmentDispatched(
        correlation_id=uuid.uuid4(),
        shipment_id=uuid.uuid4(),
        order_id=order_id,
        channel="shop",
        channel_order_ref="1001",
        location="a",
        dispatch_id="P1",
        carrier="UPS",
        tracking_number="1Z1",
        lines=(ShipmentLine(sku=sku, quantity=quantity),),
        complete=True,
    )


def released(order_id: uuid.UUID, sku: str, quantity: int) -> ReleaseStock:
    return ReleaseStock(
        correlation_id=uuid.uuid4(),
        order_id=order_id,
        allocations=(Allocation(sku=sku, location="a", quantity=quantity),),
        reason="shipment cancelled",
    )


async def consistent(pool) -> bool:
    async with pool.acquire() as conn:
        return not await repository.audit(conn)


async def test_a_release_after_the_dispatch_gives_back_nothing_that_left(ledger_pool) -> None:
    sku = f"RACE-DR-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 5)
    order_id = await reserved_order(ledger_pool, sku, 2)

    await commit_dispatch(dispatched(order_id, sku, 2), uow(ledger_pool))
    await release_stock(released(order_id, sku, 2), uow(ledger_pool), "release")

    assert await stock(ledger_pool, sku) == [("a", 3, 0)]
    assert await consistent(ledger_pool)


async def test_a_dispatch_after_the_release_takes_the_units_from_what_is_free(
    ledger_pool,
) -> None:
    sku = f"RACE-RD-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 5)
    order_id = await reserved_order(ledger_pool, sku, 2)

    await release_stock(released(order_id, sku, 2), uow(ledger_pool), "release")
    await commit_dispatch(dispatched(order_id, sku, 2), uow(ledger_pool))

    assert await stock(ledger_pool, sku) == [("a", 3, 0)]  # the goods left all the same
    assert await consistent(ledger_pool)


async def test_a_dispatch_and_a_release_at_once_end_the_same_way(ledger_pool) -> None:
    sku = f"RACE-AT-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 40)
    orders = [await reserved_order(ledger_pool, sku, 2) for _ in range(10)]

    await asyncio.gather(
        *(commit_dispatch(dispatched(o, sku, 2), uow(ledger_pool)) for o in orders),
        *(release_stock(released(o, sku, 2), uow(ledger_pool), "release") for o in orders),
    )

    assert await stock(ledger_pool, sku) == [("a", 20, 0)]
    assert await consistent(ledger_pool)


async def test_a_dispatch_of_more_than_is_reserved_or_free_is_refused_and_changes_nothing(
    ledger_pool,
) -> None:
    sku = f"RACE-OV-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 2)
    order_id = await reserved_order(ledger_pool, sku, 2)

    with pytest.raises(DispatchWithoutReservation):
        await commit_dispatch(dispatched(order_id, sku, 3), uow(ledger_pool))

    assert await stock(ledger_pool, sku) == [("a", 2, 2)]
    assert await consistent(ledger_pool)
