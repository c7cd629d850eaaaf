"""Use case: a 3PL stopped what had not left of a shipment part of which had.

A call-off (a cancellation, or an amendment) that reaches the 3PL between two parcels
stops the rest: the 3PL answers with what it called off (docs/3pl-api.md), and the
bridge reports ShipmentCancelled with that `remainder`. The shipment becomes what left —
it is followed to its delivery as any other — and only the remainder's stock is given
back. An order being cancelled cannot be cancelled whole any more: the channel is told.
"""

from typing import Any

from services.order_router import cancellations, repository, transitions
from services.order_router.domain import progress_status, shipment_allocations, without
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentCancelled
from shared.events.orders import OrderStatus


async def trim(
    uow: UnitOfWork, shipment: dict[str, Any], event: ShipmentCancelled
) -> dict[str, Any]:
    """The shipment less its stopped rest; returns that rest (where it was, what)."""
    stopped = {line.sku: line.quantity for line in event.remainder}
    shipment["lines"] = without(shipment["lines"], stopped)
    shipment["status"] = progress_status(
        shipment["lines"], shipment["shipped"], shipment["delivered"]
    )
    await repository.update_shipment(
        uow.connection, event.shipment_id, shipment["status"], lines=shipment["lines"]
    )
    return {
        "shipment_id": str(event.shipment_id),
        "location": shipment["location"],
        "lines": stopped,
    }


async def closed_short(
    uow: UnitOfWork, order: LockedOrder, shipment: dict[str, Any], event: ShipmentCancelled
) -> None:
    stopped = await trim(uow, shipment, event)
    await cancellations.release(uow, order, event, shipment_allocations(stopped))
    units = sum(stopped["lines"].values())
    await transitions.record(uow, order, event, called_off=f"{units} unit(s) not yet shipped")
    if order.status is OrderStatus.CANCELLING:
        why = f"part of shipment {event.shipment_id} had left; its other {units} unit(s) are off"
        await cancellations.refuse_after_failed_shipment_cancel(uow, order, event, why)
