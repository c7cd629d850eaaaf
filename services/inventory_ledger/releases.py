"""Use case: give back reserved stock — a whole order cancelled before anything left, or
one cancelled shipment of it."""

from collections import Counter

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.inventory import Allocation, ReleaseStock, StockReleased


def _remaining(held: list[Allocation], releasing: list[Allocation]) -> list[Allocation]:
    """What the order still holds after releasing; never releases what it does not hold."""
    left = Counter({(a.sku, a.location): a.quantity for a in held})
    for allocation in releasing:
        key = (allocation.sku, allocation.location)
        if left[key] < allocation.quantity:
            raise ValueError(f"release of {allocation} exceeds what the order holds")
        left[key] -= allocation.quantity
    return [Allocation(sku=s, location=loc, quantity=q) for (s, loc), q in left.items() if q]


async def release_stock(command: ReleaseStock, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, command.event_id):
            return
        reservation = await repository.lock_reservation(uow.connection, command.order_id)
        releasing: list[Allocation] = []
        if reservation is not None and reservation["status"] == "reserved":
            held = [Allocation.model_validate(a) for a in reservation["allocations"]]
            releasing = held if command.allocations is None else list(command.allocations)
            left = _remaining(held, releasing)
            for allocation in sorted(releasing, key=lambda a: (a.sku, a.location)):
                row = await repository.release(
                    uow.connection, allocation.sku, allocation.location, allocation.quantity
                )
                await repository.record_movement(
                    uow.connection,
                    row,
                    "release",
                    0,
                    -allocation.quantity,
                    command.order_id,
                    command.event_id,
                )
                await uow.outbox.add(level_changed(row, command), key=row.sku)
            await repository.set_holding(uow.connection, command.order_id, left)
        event = StockReleased.caused_by(
            command, order_id=command.order_id, released=tuple(releasing)
        )
        await uow.outbox.add(event, key=str(command.order_id))
        await uow.commit()
