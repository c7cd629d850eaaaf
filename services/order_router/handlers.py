"""Use cases of the order-router: take a placed order, act on the ledger's verdict."""

import structlog

from services.order_router import (
    amendments,
    backorders,
    cancellations,
    credit,
    payments,
    repository,
    reroute,
    returns,
    transitions,
)
from services.order_router.domain import (
    plan_shipments,
    preferred_locations,
    reservation_request,
    shipment_request,
)
from services.order_router.locations import Location
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.inventory import (
    HandOverStock,
    StockHandedOver,
    StockReallocated,
    StockReleased,
    StockReservationRejected,
    StockReserved,
)
from shared.events.orders import (
    OrderAmended,
    OrderApproved,
    OrderCancellationRequested,
    OrderPaid,
    OrderPlaced,
    OrderStatus,
    OrderStatusChanged,
)
from shared.events.returns import RefundIssued

PLACE_ORDER = "order-router.place-order"
RECORD_RESERVATION = "order-router.record-reservation"

log = structlog.get_logger(__name__)


async def place_order(order: OrderPlaced, uow: UnitOfWork, locations: tuple[Location, ...]) -> None:
    async with uow:
        if not await uow.inbox.claim(PLACE_ORDER, order.event_id):
            return
        if not await repository.insert_order(uow.connection, order):
            log.info("order already placed; ignoring", order_id=str(order.order_id))
            await uow.commit()
            return
        await repository.append_timeline(
            uow.connection, order.order_id, order, {"channel": order.channel}
        )
        placed = OrderStatusChanged.caused_by(
            order,
            order_id=order.order_id,
            channel=order.channel,
            from_status=None,
            to_status=OrderStatus.PLACED,
        )
        await uow.outbox.add(placed, key=str(order.order_id))
        if await cancellations.cancelled_before_it_came(uow, order):
            await uow.commit()
            return
        if not await payments.hold_unless_paid(uow, order):
            await route_placed(
                uow, LockedOrder(order.order_id, OrderStatus.PLACED, order), order, locations
            )
        await uow.commit()


async def route_placed(
    uow: UnitOfWork, order: LockedOrder, cause: Event, locations: tuple[Location, ...]
) -> None:
    """A placed order that may go on: held when it would exceed its customer's credit,
    else its stock is asked for."""
    held = await credit.hold_reason(uow.connection, order.placed)
    if held is not None:
        await transitions.move(uow, order, OrderStatus.HELD_FOR_APPROVAL, cause, held)
    else:
        await request_stock(uow, order.placed, cause, locations)


async def take_payment(
    payment: OrderPaid, uow: UnitOfWork, locations: tuple[Location, ...]
) -> None:
    async with uow:
        if not await uow.inbox.claim(PLACE_ORDER, payment.event_id):
            return
        order = await payments.paid(uow, payment)
        if order is not None:
            await route_placed(uow, order, payment, locations)
        await uow.commit()


async def request_stock(
    uow: UnitOfWork, order: OrderPlaced, cause: Event, locations: tuple[Location, ...]
) -> None:
    preference = preferred_locations(locations, order.ship_to_country, order.sold_at_location)
    request = reservation_request(order, preference)
    if cause is not order:
        request = request.model_copy(update={"causation_id": cause.event_id})
    await uow.outbox.add(request, key=str(order.order_id))


async def approve(
    approval: OrderApproved, uow: UnitOfWork, locations: tuple[Location, ...]
) -> str | None:
    """Send a held order on; returns why it cannot be approved (None: approved)."""
    async with uow:
        order = await repository.lock_order(uow.connection, approval.order_id)
        if order is None:
            return "no such order"
        if order.status is not OrderStatus.HELD_FOR_APPROVAL:
            return f"order is {order.status.value}, not held for approval"
        await uow.outbox.add(approval, key=str(order.order_id))
        await transitions.move(
            uow, order, OrderStatus.PLACED, approval, approved_by=approval.approved_by
        )
        await request_stock(uow, order.placed, approval, locations)
        await uow.commit()
        return None


async def take_cancellation(request: OrderCancellationRequested, uow: UnitOfWork) -> None:
    async with uow:
        if await uow.inbox.claim(PLACE_ORDER, request.event_id):
            await cancellations.cancel_order(request, uow)
            await uow.commit()


async def take_amendment(
    amendment: OrderAmended, uow: UnitOfWork, locations: tuple[Location, ...]
) -> None:
    async with uow:
        if await uow.inbox.claim(PLACE_ORDER, amendment.event_id):
            await amendments.take_amendment(amendment, uow, locations)
            await uow.commit()


async def take_refund(refund: RefundIssued, uow: UnitOfWork) -> None:
    async with uow:
        if await uow.inbox.claim(PLACE_ORDER, refund.event_id):
            await returns.take_refund(refund, uow)
            await uow.commit()


async def record_reservation(
    verdict: StockReserved
    | StockReservationRejected
    | StockReleased
    | StockHandedOver
    | StockReallocated,
    uow: UnitOfWork,
    locations: tuple[Location, ...],
) -> None:
    async with uow:
        if not await uow.inbox.claim(RECORD_RESERVATION, verdict.event_id):
            return
        order = await repository.lock_order(uow.connection, verdict.order_id)
        if order is None:
            raise LookupError(f"verdict for unknown order {verdict.order_id}")
        if isinstance(verdict, StockReallocated):
            await reroute.stock_reallocated(uow, order, verdict, locations)
        elif isinstance(verdict, StockReleased):
            await transitions.record(uow, order, verdict, released=len(verdict.released))
        elif isinstance(verdict, StockHandedOver):
            await transitions.move(uow, order, OrderStatus.DELIVERED, verdict, counter_sale=True)
        elif isinstance(verdict, StockReservationRejected):
            await _short(uow, order, verdict)
        elif order.status not in (OrderStatus.PLACED, OrderStatus.BACKORDERED):
            # Cancelled while the ledger was reserving: the release is already queued.
            await transitions.record(uow, order, verdict, ignored=f"order is {order.status}")
        else:
            await _reserved(uow, order, verdict, locations)
        await uow.commit()


async def _short(uow: UnitOfWork, order: LockedOrder, verdict: StockReservationRejected) -> None:
    if order.status is OrderStatus.BACKORDERED:
        await transitions.record(uow, order, verdict, still_short=verdict.reason)
    elif order.placed.backorder_when_short and order.status is OrderStatus.PLACED:
        await backorders.backorder(uow, order, verdict)
    else:
        await transitions.move(uow, order, OrderStatus.REJECTED, verdict, verdict.reason)


async def _reserved(
    uow: UnitOfWork, order: LockedOrder, verdict: StockReserved, locations: tuple[Location, ...]
) -> None:
    allocations = list(verdict.allocations)
    await repository.set_allocations(uow.connection, order.order_id, allocations)
    await repository.stop_waiting(uow.connection, order.order_id)
    order = await transitions.move(
        uow, order, OrderStatus.RESERVED, verdict, allocations=len(allocations)
    )
    if order.placed.sold_at_location is not None:
        handover = HandOverStock.caused_by(verdict, order_id=order.order_id)
        await uow.outbox.add(handover, key=str(order.order_id))
        return
    if order.placed.hold_until_mapped and order.placed.unmapped_lines:
        await transitions.record(uow, order, verdict, held="until its unmapped lines are resolved")
        return
    if await amendments.reserved_before_amendment(uow, order, verdict, allocations, locations):
        return
    shipments = plan_shipments(order.order_id, allocations, locations)
    for shipment in shipments:
        await repository.insert_shipment(uow.connection, order.order_id, shipment)
        await uow.outbox.add(
            shipment_request(verdict, order.placed, shipment), key=str(order.order_id)
        )
    if shipments:
        await transitions.move(
            uow, order, OrderStatus.SENT_TO_FULFILMENT, verdict, shipments=len(shipments)
        )
