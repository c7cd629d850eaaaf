"""Use case: a 3PL refused a shipment — try the next location before giving up.

The refused shipment's stock is moved by the ledger in one step (ReallocateStock): given
back at the refusing location and reserved at the next eligible one, never a location
that already refused this order. The new reservation becomes a new shipment. Only when
no location can fill it is the order flagged (fulfilment_failed), its stock released —
never left reserved where it cannot ship from. A cancellation that came meanwhile gets
the new reservation back.
"""

from typing import Any

from services.order_router import repository, transitions
from services.order_router.domain import (
    plan_shipments,
    preferred_locations,
    shipment_allocations,
    shipment_request,
)
from services.order_router.locations import Location
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentRefused
from shared.events.inventory import (
    ReallocateStock,
    ReleaseStock,
    RequestedQuantity,
    StockReallocated,
)
from shared.events.orders import OrderStatus

CALLED_OFF = (OrderStatus.CANCELLING, OrderStatus.CANCELLED)


async def shipment_refused(
    uow: UnitOfWork,
    order: LockedOrder,
    shipments: dict[Any, dict[str, Any]],
    refused: dict[str, Any],
    event: ShipmentRefused,
    locations: tuple[Location, ...],
) -> None:
    placed = order.placed
    tried = {s["location"] for s in shipments.values() if s["status"] == "refused"}
    ranked = preferred_locations(locations, placed.ship_to_country, placed.sold_at_location)
    left = tuple(location for location in ranked if location not in tried)
    held = tuple(shipment_allocations(refused))
    reason = f"{event.fulfiller} refused shipment {event.shipment_id}: {event.reason}"
    key = str(order.order_id)
    if not left:
        release = ReleaseStock.caused_by(
            event, order_id=order.order_id, allocations=held, reason=reason
        )
        await uow.outbox.add(release, key=key)
        await transitions.move(
            uow, order, OrderStatus.FULFILMENT_FAILED, event, f"{reason}; no other location"
        )
        return
    command = ReallocateStock.caused_by(
        event,
        order_id=order.order_id,
        shipment_id=event.shipment_id,
        release=held,
        lines=tuple(RequestedQuantity(sku=a.sku, quantity=a.quantity) for a in held),
        locations=left,
        allow_split=placed.split_shipments_allowed,
        reason=reason,
    )
    await uow.outbox.add(command, key=key)
    await transitions.record(uow, order, event, refused=reason, trying=", ".join(left))


async def stock_reallocated(
    uow: UnitOfWork, order: LockedOrder, verdict: StockReallocated, locations: tuple[Location, ...]
) -> None:
    if order.status in CALLED_OFF:
        if verdict.allocations:
            release = ReleaseStock.caused_by(
                verdict,
                order_id=order.order_id,
                allocations=verdict.allocations,
                reason="cancelled while its refused shipment was moving",
            )
            await uow.outbox.add(release, key=str(order.order_id))
        await transitions.record(uow, order, verdict, ignored=f"order is {order.status.value}")
        return
    if not verdict.allocations:
        reason = f"{verdict.reason}; no other location can fill it: {verdict.short_reason}"
        await transitions.move(uow, order, OrderStatus.FULFILMENT_FAILED, verdict, reason)
        return
    await _ship_from_new_locations(uow, order, verdict, locations)


async def _ship_from_new_locations(
    uow: UnitOfWork, order: LockedOrder, verdict: StockReallocated, locations: tuple[Location, ...]
) -> None:
    await repository.move_allocations(
        uow.connection, order.order_id, verdict.released, verdict.allocations
    )
    planned = plan_shipments(
        order.order_id, list(verdict.allocations), locations, instead_of=verdict.shipment_id
    )
    for shipment in planned:
        await repository.insert_shipment(uow.connection, order.order_id, shipment)
        request = shipment_request(verdict, order.placed, shipment)
        await uow.outbox.add(request, key=str(order.order_id))
    to = ", ".join(s.location for s in planned)
    if order.status is OrderStatus.RESERVED:  # its amended lines, reserved before it shipped
        await transitions.move(uow, order, OrderStatus.SENT_TO_FULFILMENT, verdict, sent_to=to)
        return
    await transitions.record(uow, order, verdict, rerouted_to=to, reason=verdict.reason)
