"""Use case: a point-of-sale order left the store with the customer — the reservation is
committed on the spot, as a dispatch would commit it."""

from services.inventory_ledger import repository
from services.inventory_ledger.dispatches import DispatchWithoutReservation
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.inventory import Allocation, HandOverStock, StockHandedOver


async def hand_over(command: HandOverStock, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, command.event_id):
            return
        reservation = await repository.lock_reservation(uow.connection, command.order_id)
        if reservation is None or reservation["status"] != "reserved":
            raise DispatchWithoutReservation(f"counter sale {command.order_id} holds no stock")
        held = [Allocation.model_validate(a) for a in reservation["allocations"]]
        for allocation in sorted(held, key=lambda a: (a.sku, a.location)):
            row = await repository.commit_dispatched(
                uow.connection,
                allocation.sku,
                allocation.location,
                allocation.quantity,
                allocation.quantity,
            )
            if row is None:
                raise DispatchWithoutReservation(f"{allocation} is not reserved any more")
            await repository.record_movement(
                uow.connection,
                row,
                "dispatch",
                -allocation.quantity,
                -allocation.quantity,
                command.order_id,
                command.event_id,
            )
            await uow.outbox.add(level_changed(row, command), key=row.sku)
        await repository.mark_handed_over(uow.connection, command.order_id)
        event = StockHandedOver.caused_by(
            command, order_id=command.order_id, handed_over=tuple(held)
        )
        await uow.outbox.add(event, key=str(command.order_id))
        await uow.commit()
