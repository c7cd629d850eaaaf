"""Use case: give back reserved stock — a whole order cancelled before anything left, or
one cancelled shipment of it — as much of it as the order still holds (see dispatches)."""

from uuid import UUID

from services.inventory_ledger import repository
from services.inventory_ledger.domain import take_from_holding
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.inventory import Allocation, ReleaseStock, StockReleased


def _releasable(held: list[Allocation], asked: list[Allocation]) -> list[Allocation]:
    """What of `asked` the order still holds: a shipment that left before its release
    arrived (a cancellation racing a 3PL) has nothing left to give back. Takes it out of
    `held` in place."""
    releasing = []
    for allocation in asked:
        taken = take_from_holding(held, allocation.sku, allocation.location, allocation.quantity)
        if taken:
            releasing.append(
                Allocation(sku=allocation.sku, location=allocation.location, quantity=taken)
            )
    return releasing


async def release_stock(command: ReleaseStock, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, command.event_id):
            return
        reservation = await repository.lock_reservation(uow.connection, command.order_id)
        releasing: list[Allocation] = []
        if reservation is not None and reservation["status"] == "reserved":
            held = [Allocation.model_validate(a) for a in reservation["allocations"]]
            asked = list(held) if command.allocations is None else list(command.allocations)
            releasing = await give_back(uow, command.order_id, held, asked, command)
            await repository.set_holding(uow.connection, command.order_id, held)
        event = StockReleased.caused_by(
            command, order_id=command.order_id, released=tuple(releasing)
        )
        await uow.outbox.add(event, key=str(command.order_id))
        await uow.commit()


async def give_back(
    uow: UnitOfWork, order_id: UUID, held: list[Allocation], asked: list[Allocation], cause: Event
) -> list[Allocation]:
    """Releases what of `asked` the order holds (taken out of `held` in place), each unit
    a movement and a level change; returns what was released."""
    releasing = _releasable(held, asked)
    for allocation in sorted(releasing, key=lambda a: (a.sku, a.location)):
        row = await repository.release(
            uow.connection, allocation.sku, allocation.location, allocation.quantity
        )
        await repository.record_movement(
            uow.connection, row, "release", 0, -allocation.quantity, order_id, cause.event_id
        )
        await uow.outbox.add(level_changed(row, cause), key=row.sku)
    return releasing
