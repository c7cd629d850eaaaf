"""Use case: stock left a location with a carrier — commit it against the order's holding.

A dispatch and a release of the same order travel on different topics (`shipments`,
`stock-commands`), so either may reach the ledger first: a cancellation can race a 3PL
that ships anyway. Both therefore settle against the order's holding, locked: a dispatch
takes what the order still holds reserved there (on hand and reserved fall), and what it
no longer holds — released meanwhile, yet gone all the same — comes out of what is free
(on hand falls). A later release gives back only what is still held. Whichever comes
first, on hand ends equal to what is physically there and nothing goes below zero.
"""

from collections import defaultdict
from typing import Any

from services.inventory_ledger import repository
from services.inventory_ledger.domain import take_from_holding
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import Allocation

CONSUMER = "inventory-ledger.commit-dispatch"


class DispatchWithoutReservation(RuntimeError):
    """More left a location than it holds free or reserved for the order: a person must
    look (the count is wrong, or a 3PL shipped what it did not have)."""


async def commit_dispatch(dispatch: ShipmentDispatched, uow: UnitOfWork) -> None:
    shipped: dict[str, int] = defaultdict(int)
    for line in dispatch.lines:
        shipped[line.sku] += line.quantity
    async with uow:
        if not await uow.inbox.claim(CONSUMER, dispatch.event_id):
            return
        reservation = await repository.lock_reservation(uow.connection, dispatch.order_id)
        held = _holding(reservation)
        for sku, quantity in sorted(shipped.items()):
            reserved = take_from_holding(held, sku, dispatch.location, quantity)
            await _ship(uow, dispatch, sku, quantity, reserved)
        if reservation is not None and reservation["status"] == "reserved":
            await repository.hold(uow.connection, dispatch.order_id, held)
        await uow.commit()


def _holding(reservation: dict[str, Any] | None) -> list[Allocation]:
    if reservation is None or reservation["status"] != "reserved":
        return []
    return [Allocation.model_validate(a) for a in reservation["allocations"]]


async def _ship(
    uow: UnitOfWork, dispatch: ShipmentDispatched, sku: str, quantity: int, reserved: int
) -> None:
    row = await repository.commit_dispatched(
        uow.connection, sku, dispatch.location, quantity, reserved
    )
    if row is None:
        raise DispatchWithoutReservation(
            f"{quantity} x {sku} dispatched from {dispatch.location} for order "
            f"{dispatch.order_id}, but only {reserved} are reserved for it and too few are free"
        )
    await repository.record_movement(
        uow.connection, row, "dispatch", -quantity, -reserved, dispatch.order_id, dispatch.event_id
    )
    await uow.outbox.add(level_changed(row, dispatch), key=sku)
