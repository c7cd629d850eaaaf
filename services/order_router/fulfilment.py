"""Use case: follow each shipment through the 3PL and move the order along with it."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.order_router import (
    amendments,
    cancellations,
    repository,
    reroute,
    short_shipments,
    transitions,
)
from services.order_router.domain import OFF, ShipmentProgress, order_progress, progress_status
from services.order_router.locations import Location
from shared.db import UnitOfWork
from shared.events.fulfilment import (
    ShipmentCancellationFailed,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentExceptionReported,
    ShipmentRefused,
    ShipmentSentToFulfiller,
    ShipmentTrackingUpdated,
)
from shared.events.orders import OrderStatus

CONSUMER = "order-router.follow-shipments"

ShipmentEvent = (
    ShipmentCancelled
    | ShipmentCancellationFailed
    | ShipmentSentToFulfiller
    | ShipmentRefused
    | ShipmentDispatched
    | ShipmentDelivered
    | ShipmentExceptionReported
    | ShipmentTrackingUpdated
)


async def follow_shipment(
    event: ShipmentEvent, uow: UnitOfWork, locations: tuple[Location, ...]
) -> None:
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return
        order = await repository.lock_order(uow.connection, event.order_id)
        if order is None:
            raise LookupError(f"shipment event for unknown order {event.order_id}")
        shipments = {
            s["shipment_id"]: s
            for s in await repository.shipments_of(uow.connection, order.order_id)
        }
        shipment = shipments.get(event.shipment_id)
        if shipment is None:
            raise LookupError(f"unknown shipment {event.shipment_id} of order {order.order_id}")
        pending = order.amendment
        if (
            pending is not None
            and amendments.calling_off(pending, event.shipment_id)
            and order.status is not OrderStatus.CANCELLING
        ):
            await _for_amendment(uow, order, shipments, shipment, event, locations, pending)
        elif isinstance(event, ShipmentRefused):
            await _refused(uow, order, shipments, shipment, event, locations)
        else:
            await _step(uow, order, shipments, shipment, event)
        await uow.commit()


async def _for_amendment(
    uow: UnitOfWork,
    order: Any,
    shipments: Any,
    shipment: dict[str, Any],
    event: ShipmentEvent,
    locations: tuple[Location, ...],
    pending: dict[str, Any],
) -> None:
    """An event of a shipment called off for an amendment. Its 3PL's answer (cancelled,
    refused, could not) settles it; so does a dispatch (the parcel left before the
    call-off took: a bridge reports no failure for a shipment that already left)."""
    if pending.get("done"):
        await _after_amendment(uow, order, shipments, shipment, event)
        return
    if isinstance(event, ShipmentCancelled) and event.remainder:
        stopped = await short_shipments.trim(uow, shipment, event)
        why = f"part of shipment {event.shipment_id} had left before its call-off"
        await amendments.shipment_answered(
            uow, order, shipments, event, locations, refused=why, short=stopped
        )
        await _follow_progress(uow, order, shipments, event)
        return
    answered, refusal = await _amendment_answer(uow, shipment, event)
    if not answered:
        await _step(uow, order, shipments, shipment, event)
        if not isinstance(event, ShipmentDispatched):
            return
        refusal = f"shipment {event.shipment_id} left before its call-off reached the 3PL"
    await amendments.shipment_answered(uow, order, shipments, event, locations, refused=refusal)


async def _after_amendment(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: ShipmentEvent
) -> None:
    """An event of a shipment whose amendment is settled: a late answer to its call-off
    changes nothing (but a stopped rest is given back); the rest is followed as ever."""
    if isinstance(event, ShipmentCancelled) and event.remainder:
        await _cancelled(uow, order, shipments, shipment, event)
    elif isinstance(event, ShipmentCancellationFailed | ShipmentCancelled):
        await transitions.record(uow, order, event, late_answer="amendment already settled")
    else:
        await _step(uow, order, shipments, shipment, event)


async def _amendment_answer(
    uow: UnitOfWork, shipment: dict[str, Any], event: ShipmentEvent
) -> tuple[bool, str | None]:
    """Whether the event answers a call-off for an amendment, and the 3PL's refusal if
    it is one (a dispatch, say, answers nothing: it is followed as any other)."""
    if isinstance(event, ShipmentCancelled | ShipmentRefused):
        status = "cancelled" if isinstance(event, ShipmentCancelled) else "refused"
        await repository.update_shipment(uow.connection, event.shipment_id, status)
        shipment["status"] = status
        return True, None
    if isinstance(event, ShipmentCancellationFailed):
        if shipment["status"] == "amending":  # a dispatch may have come first
            await repository.update_shipment(uow.connection, event.shipment_id, "sent")
            shipment["status"] = "sent"
        where = f"{shipment['fulfiller']} could not call off shipment {event.shipment_id}"
        return True, f"{where}: {event.reason}"
    return False, None


async def _refused(
    uow: UnitOfWork,
    order: Any,
    shipments: Any,
    shipment: dict[str, Any],
    event: ShipmentRefused,
    locations: tuple[Location, ...],
) -> None:
    await repository.update_shipment(uow.connection, event.shipment_id, "refused")
    shipment["status"] = "refused"
    if order.status is OrderStatus.CANCELLING:
        await cancellations.shipment_called_off(uow, order, shipment, event)
        return
    await reroute.shipment_refused(uow, order, shipments, shipment, event, locations)


async def _cancelled(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    if event.remainder:  # part had left: only the rest is off
        await short_shipments.closed_short(uow, order, shipment, event)
        await _follow_progress(uow, order, shipments, event)
        return
    await repository.update_shipment(uow.connection, event.shipment_id, "cancelled")
    shipment["status"] = "cancelled"
    await cancellations.shipment_called_off(uow, order, shipment, event)
    if order.status is not OrderStatus.CANCELLING:
        # The unshipped rest of an order cancelled after part of it left: what did
        # leave is now the whole order.
        await _follow_progress(uow, order, shipments, event)


async def _cancel_failed(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    if shipment["status"] == "cancelling":  # a dispatch may have come first
        status = progress_status(shipment["lines"], shipment["shipped"], shipment["delivered"])
        await repository.update_shipment(uow.connection, event.shipment_id, status)
    await cancellations.refuse_after_failed_shipment_cancel(uow, order, event, event.reason)


async def _moved(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    """A parcel left or arrived: the shipment's totals, then the order's progress."""
    _apply(shipment, event)
    await repository.update_shipment(
        uow.connection,
        event.shipment_id,
        shipment["status"],
        shipped=shipment["shipped"],
        tracking=shipment["tracking"],
        delivered=shipment["delivered"],
    )
    await _follow_progress(uow, order, shipments, event)


async def _follow_progress(uow: UnitOfWork, order: Any, shipments: Any, event: Any) -> None:
    # A refused or cancelled shipment ships nothing: its replacement counts instead.
    live = [_progress(s) for s in shipments.values() if s["status"] not in OFF]
    target = order_progress(live)
    if target is OrderStatus.DELIVERED and order.status is OrderStatus.PARTIALLY_SHIPPED:
        # The shipments left were delivered before the rest was called off: shipped whole
        # first, then delivered, as the state machine has it.
        order = await transitions.move(uow, order, OrderStatus.SHIPPED, event)
    if target is not None:
        await transitions.move(uow, order, target, event, shipment=str(event.shipment_id))


async def _noted(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    """Sent to the 3PL, or an exception it reported: on the timeline, the order stays."""
    sent = isinstance(event, ShipmentSentToFulfiller) and shipment["status"] == "requested"
    status = "sent" if sent else shipment["status"]
    await repository.update_shipment(uow.connection, event.shipment_id, status)
    await transitions.record(uow, order, event, shipment=str(event.shipment_id))


async def _tracked(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    """The carrier's word on a parcel: tracking history on the timeline, nothing moves."""
    where = ", ".join(p for p in (event.city, event.region, event.country) if p)
    await transitions.record(
        uow,
        order,
        event,
        shipment=str(event.shipment_id),
        tracking=event.status,
        tracking_number=event.tracking_number,
        message=event.message,
        at=event.happened_at.isoformat(),
        **({"where": where} if where else {}),
    )


async def _step(
    uow: UnitOfWork, order: Any, shipments: Any, shipment: dict[str, Any], event: Any
) -> None:
    """The event's own step (a shipment event with none is noted on the timeline)."""
    step: Step = STEPS.get(type(event), _noted)
    await step(uow, order, shipments, shipment, event)


Step = Callable[[UnitOfWork, Any, Any, dict[str, Any], Any], Awaitable[None]]
STEPS: dict[type[Any], Step] = {
    ShipmentCancelled: _cancelled,
    ShipmentCancellationFailed: _cancel_failed,
    ShipmentDispatched: _moved,
    ShipmentDelivered: _moved,
    ShipmentTrackingUpdated: _tracked,
}


def _apply(shipment: dict[str, Any], event: ShipmentDispatched | ShipmentDelivered) -> None:
    if isinstance(event, ShipmentDelivered):
        shipment["delivered"], shipment["status"] = True, "delivered"
        return
    shipped = dict(shipment["shipped"])
    for line in event.lines:
        shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
    shipment["shipped"] = shipped
    shipment["tracking"] = [
        *shipment["tracking"],
        {
            "dispatch_id": event.dispatch_id,
            "carrier": event.carrier,
            "tracking_number": event.tracking_number,
            "tracking_url": event.tracking_url,
        },
    ]
    shipment["status"] = "shipped" if _progress(shipment).complete else "partially_shipped"


def _progress(shipment: dict[str, Any]) -> ShipmentProgress:
    return ShipmentProgress(
        lines=shipment["lines"], shipped=shipment["shipped"], delivered=shipment["delivered"]
    )
