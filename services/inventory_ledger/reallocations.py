"""Use case: a 3PL refused a shipment, so its stock moves to the next location that can
fill it — released at the refusing location and reserved anew in one transaction, so
it is never held where it cannot ship from, nor free for a moment in between.

Short everywhere else, the lines stay released and the verdict says why; the order-router
flags the order. What the shipment no longer held (a release that came first) is not
given back twice: the order's holding is locked and settled against, as a release is.
"""

from typing import Any

from services.inventory_ledger import repository, reserving
from services.inventory_ledger.domain import rejection_reason
from services.inventory_ledger.handlers import record_reserved, short_lines
from services.inventory_ledger.releases import give_back
from shared.db import UnitOfWork
from shared.events.inventory import Allocation, ReallocateStock, StockReallocated


async def reallocate_stock(command: ReallocateStock, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, command.event_id):
            return
        conn = uow.connection
        reservation = await repository.lock_reservation(conn, command.order_id)
        if reservation is None or reservation["status"] != "reserved":
            # Released meanwhile (the order was cancelled): nothing to move, none to take.
            verdict = _verdict(command, (), short_reason="the order holds no stock any more")
        else:
            held = [Allocation.model_validate(a) for a in reservation["allocations"]]
            released = await give_back(uow, command.order_id, held, list(command.release), command)
            verdict = await _reserve_elsewhere(uow, command, held, released)
        await uow.outbox.add(verdict, key=str(command.order_id))
        await uow.commit()


async def _reserve_elsewhere(
    uow: UnitOfWork, command: ReallocateStock, held: list[Allocation], released: list[Allocation]
) -> StockReallocated:
    conn = uow.connection
    try:
        reserved = await reserving.reserve_order(
            conn, command.lines, command.locations, command.allow_split
        )
    except reserving.Short as short:
        await repository.set_holding(conn, command.order_id, held)
        lines = await short_lines(conn, command.lines, command.locations, short)
        return _verdict(command, tuple(released), short_reason=rejection_reason(lines))
    allocations = await record_reserved(uow, command.order_id, reserved, command)
    await repository.set_holding(conn, command.order_id, [*held, *allocations])
    return _verdict(command, tuple(released), allocations=tuple(allocations))


def _verdict(
    command: ReallocateStock, released: tuple[Allocation, ...], **outcome: Any
) -> StockReallocated:
    return StockReallocated.caused_by(
        command,
        order_id=command.order_id,
        shipment_id=command.shipment_id,
        reason=command.reason,
        released=released,
        **outcome,
    )
