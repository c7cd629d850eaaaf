"""Use case: the channel cancelled an order.

Before anything left, the order is called off: shipments at 3PLs are cancelled there
first, and stock is released only once each 3PL confirmed (a parcel may still leave in
between). After a dispatch, cancellation is refused with the reason: the way back is a
return.
"""

from typing import Any

from services.order_router import after_dispatch, repository, transitions
from services.order_router.domain import CANCELLABLE, OFF, shipment_allocations
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.fulfilment import ShipmentCancellationRequested
from shared.events.inventory import Allocation, ReleaseStock
from shared.events.orders import (
    OrderCancellationRefused,
    OrderCancellationRequested,
    OrderPlaced,
    OrderStatus,
)

# Something left: the cancellation becomes a return of it (see after_dispatch).
SHIPPING = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


async def cancel_order(request: OrderCancellationRequested, uow: UnitOfWork) -> None:
    """Runs inside the storefront-orders consumer's transaction (see subscribers)."""
    order = await repository.lock_order(uow.connection, request.order_id)
    if order is None:
        # Webhooks come in no promised order, and an order may still be in the gateway's
        # quarantine: it is cancelled the moment it arrives, never routed.
        await repository.remember_early_cancellation(uow.connection, request)
        return
    if order.status in (OrderStatus.CANCELLING, OrderStatus.CANCELLED):
        await transitions.record(uow, order, request, repeated="already being cancelled")
        return
    if order.status in SHIPPING:
        await after_dispatch.cancel_after_dispatch(uow, order, request)
        return
    if order.status not in CANCELLABLE:
        await _refuse(uow, order, request, f"order is {order.status.value}: a return is needed")
        return
    shipments = await repository.shipments_of(uow.connection, order.order_id)
    live = [s for s in shipments if s["status"] not in OFF]
    if not live:
        await release(uow, order, request, None)
        await transitions.move(uow, order, OrderStatus.CANCELLED, request, request.reason)
        return
    for refused in (s for s in shipments if s["status"] in OFF):
        await release(uow, order, request, shipment_allocations(refused))
    for shipment in live:
        await repository.update_shipment(uow.connection, shipment["shipment_id"], "cancelling")
        await uow.outbox.add(
            ShipmentCancellationRequested.caused_by(
                request,
                shipment_id=shipment["shipment_id"],
                order_id=order.order_id,
                channel=order.placed.channel,
                channel_order_ref=order.placed.channel_order_ref,
                reason=request.reason or "cancelled by the channel",
            ),
            key=str(order.order_id),
        )
    await transitions.move(uow, order, OrderStatus.CANCELLING, request, request.reason)


async def shipment_called_off(
    uow: UnitOfWork, order: LockedOrder, shipment: dict[str, Any], cause: Event
) -> None:
    """One shipment will not ship: give its stock back; the last one ends the order."""
    await release(uow, order, cause, shipment_allocations(shipment))
    others = await repository.shipments_of(uow.connection, order.order_id)
    if order.status is OrderStatus.CANCELLING and all(s["status"] in OFF for s in others):
        await transitions.move(uow, order, OrderStatus.CANCELLED, cause)


async def release(
    uow: UnitOfWork, order: LockedOrder, cause: Event, lines: list[Allocation] | None
) -> None:
    release = ReleaseStock.caused_by(
        cause,
        order_id=order.order_id,
        allocations=None if lines is None else tuple(lines),
        reason="order cancelled" if lines is None else "shipment cancelled",
    )
    await uow.outbox.add(release, key=str(order.order_id))


async def _refuse(uow: UnitOfWork, order: LockedOrder, cause: Event, reason: str) -> None:
    await transitions.record(uow, order, cause, refused=reason)
    refused = OrderCancellationRefused.caused_by(
        cause,
        order_id=order.order_id,
        channel=order.placed.channel,
        channel_order_ref=order.placed.channel_order_ref,
        reason=reason,
    )
    await uow.outbox.add(refused, key=str(order.order_id))


async def refuse_after_failed_shipment_cancel(
    uow: UnitOfWork, order: LockedOrder, cause: Event, reason: str
) -> None:
    await _refuse(uow, order, cause, f"the 3PL could not cancel ({reason}): a return is needed")


async def cancelled_before_it_came(uow: UnitOfWork, order: OrderPlaced) -> bool:
    """True when a cancellation was here first: the order is cancelled, nothing asked."""
    reason = await repository.take_early_cancellation(uow.connection, order.order_id)
    if reason is None:
        return False
    locked = LockedOrder(order.order_id, OrderStatus.PLACED, order)
    detail = reason or "cancelled by the channel before the order arrived"
    await transitions.move(uow, locked, OrderStatus.CANCELLED, order, detail)
    return True
