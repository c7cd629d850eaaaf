"""Use case: orders that wait for stock (where the channel says so) instead of being
rejected. When stock of a SKU they wait for becomes available, they are tried again,
oldest first; the ledger decides, as always, with conditional updates."""

from services.order_router import repository, transitions
from services.order_router.domain import preferred_locations, reservation_request
from services.order_router.locations import Location
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.inventory import StockLevelChanged, StockReservationRejected
from shared.events.orders import OrderStatus

RETRY_BACKORDERS = "order-router.retry-backorders"
RETRIES_PER_CHANGE = 20


async def backorder(uow: UnitOfWork, order: LockedOrder, verdict: StockReservationRejected) -> None:
    skus = [line.sku for line in verdict.short_lines]
    await repository.wait_for_stock(uow.connection, order.order_id, skus)
    await transitions.move(
        uow, order, OrderStatus.BACKORDERED, verdict, f"backordered: {verdict.reason}"
    )


async def retry_backorders(
    level: StockLevelChanged, uow: UnitOfWork, locations: tuple[Location, ...]
) -> None:
    if level.available <= 0:
        return
    async with uow:
        if not await uow.inbox.claim(RETRY_BACKORDERS, level.event_id):
            return
        for order_id in await repository.waiting_for(uow.connection, level.sku, RETRIES_PER_CHANGE):
            order = await repository.lock_order(uow.connection, order_id)
            if order is None or order.status is not OrderStatus.BACKORDERED:
                continue
            preference = preferred_locations(
                locations, order.placed.ship_to_country, order.placed.sold_at_location
            )
            request = reservation_request(order.placed, preference)
            await uow.outbox.add(request, key=str(order_id))
            await transitions.record(uow, order, level, retry=f"{level.sku} available again")
        await uow.commit()
