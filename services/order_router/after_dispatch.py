"""Use case: the channel cancelled an order something of which already left.

A parcel can leave before the channel hears of it: Shopify refuses to cancel an order
once it has a fulfilment (developer changelog, "Fulfilled and partially-fulfilled orders
can no longer be canceled by using the Order resource", 2018-03-01), so a cancellation
that still comes is one that raced our dispatch. The order cannot become cancelled —
the goods are on their way — so what left is announced as a return to the location
that shipped it (ReturnExpected: the way back, restocked when it arrives), what has
not left is called off at its 3PL (its stock given back once the 3PL confirms), and
the channel is told the outcome (OrderCancellationRefused with `return_expected`).
"""

import uuid
from typing import Any

from services.order_router import repository, transitions
from services.order_router.domain import OFF
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentCancellationRequested
from shared.events.orders import OrderCancellationRefused, OrderCancellationRequested
from shared.events.returns import ReturnExpected, ReturnLine

UNSHIPPED = frozenset({"requested", "sent", "amending"})


async def cancel_after_dispatch(
    uow: UnitOfWork, order: LockedOrder, request: OrderCancellationRequested
) -> None:
    shipments = await repository.shipments_of(uow.connection, order.order_id)
    returning = [s for s in shipments if s["status"] not in OFF and any(s["shipped"].values())]
    for shipment in returning:
        await uow.outbox.add(_return_of(request, order, shipment), key=str(order.order_id))
    # A shipment part of which left has its rest called off too (the 3PL stops what it
    # has not shipped, see short_shipments).
    remainder = [s for s in shipments if s["status"] in UNSHIPPED | {"partially_shipped"}]
    for shipment in remainder:
        await _call_off(uow, order, request, shipment)
    units = sum(q for s in returning for q in s["shipped"].values())
    reason = (
        f"order is {order.status.value}: {units} unit(s) left before the cancellation and"
        " are expected back as a return"
        + (
            f"; what has not shipped of {len(remainder)} shipment(s) is called off"
            if remainder
            else ""
        )
    )
    await transitions.record(uow, order, request, refused=reason)
    refused = OrderCancellationRefused.caused_by(
        request,
        order_id=order.order_id,
        channel=order.placed.channel,
        channel_order_ref=order.placed.channel_order_ref,
        reason=reason,
        return_expected=bool(returning),
    )
    await uow.outbox.add(refused, key=str(order.order_id))


def _return_of(
    request: OrderCancellationRequested, order: LockedOrder, shipment: dict[str, Any]
) -> ReturnExpected:
    return ReturnExpected.caused_by(
        request,
        return_id=uuid.uuid5(shipment["shipment_id"], "return:cancelled-after-dispatch"),
        order_id=order.order_id,
        shipment_id=shipment["shipment_id"],
        location=shipment["location"],
        fulfiller=shipment["fulfiller"],
        lines=tuple(
            ReturnLine(sku=sku, quantity=quantity)
            for sku, quantity in sorted(shipment["shipped"].items())
            if quantity
        ),
    )


async def _call_off(
    uow: UnitOfWork,
    order: LockedOrder,
    request: OrderCancellationRequested,
    shipment: dict[str, Any],
) -> None:
    await repository.update_shipment(uow.connection, shipment["shipment_id"], "cancelling")
    call_off = ShipmentCancellationRequested.caused_by(
        request,
        shipment_id=shipment["shipment_id"],
        order_id=order.order_id,
        channel=order.placed.channel,
        channel_order_ref=order.placed.channel_order_ref,
        reason=request.reason or "cancelled by the channel after part of it shipped",
    )
    await uow.outbox.add(call_off, key=str(order.order_id))
