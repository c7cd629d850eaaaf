"""Use case: reserved stock left a location with a carrier — commit the reservation."""

from collections import defaultdict

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentDispatched

CONSUMER = "inventory-ledger.commit-dispatch"


class DispatchWithoutReservation(RuntimeError):
    """A 3PL shipped more than was reserved at that location: a person must look."""


async def commit_dispatch(dispatch: ShipmentDispatched, uow: UnitOfWork) -> None:
    """On hand and reserved both fall by what shipped; one movement per SKU."""
    shipped: dict[str, int] = defaultdict(int)
    for line in dispatch.lines:
        shipped[line.sku] += line.quantity
    async with uow:
        if not await uow.inbox.claim(CONSUMER, dispatch.event_id):
            return
        for sku, quantity in sorted(shipped.items()):
            row = await repository.commit_dispatched(
                uow.connection, sku, dispatch.location, quantity
            )
            if row is None:
                raise DispatchWithoutReservation(
                    f"{quantity} x {sku} dispatched from {dispatch.location} for order "
                    f"{dispatch.order_id}, but not that many are reserved there"
                )
            await repository.record_movement(
                uow.connection,
                row,
                "dispatch",
                -quantity,
                -quantity,
                dispatch.order_id,
                dispatch.event_id,
            )
            await uow.outbox.add(level_changed(row, dispatch), key=sku)
        await uow.commit()
