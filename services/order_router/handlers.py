"""Use cases of the order-router: take a placed order, record the ledger's verdict."""

from typing import Any

import structlog

from services.order_router import repository
from services.order_router.domain import can_move, reservation_request
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.inventory import StockReservationRejected, StockReserved
from shared.events.orders import OrderPlaced, OrderStatus, OrderStatusChanged

PLACE_ORDER = "order-router.place-order"
RECORD_RESERVATION = "order-router.record-reservation"

log = structlog.get_logger(__name__)


async def place_order(order: OrderPlaced, uow: UnitOfWork, locations: tuple[str, ...]) -> None:
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
        await uow.outbox.add(reservation_request(order, locations), key=str(order.order_id))
        await uow.commit()


async def record_reservation(
    verdict: StockReserved | StockReservationRejected, uow: UnitOfWork
) -> None:
    async with uow:
        if not await uow.inbox.claim(RECORD_RESERVATION, verdict.event_id):
            return
        locked = await repository.lock_order(uow.connection, verdict.order_id)
        if locked is None:
            raise LookupError(f"verdict for unknown order {verdict.order_id}")
        current, channel = locked
        target, reason, allocations, detail = _outcome(verdict)
        if not can_move(current, target):
            log.warning("ignoring verdict: transition not allowed", current=current, target=target)
            await uow.commit()
            return
        await repository.set_status(uow.connection, verdict.order_id, target, reason, allocations)
        await repository.append_timeline(uow.connection, verdict.order_id, verdict, detail)
        changed = OrderStatusChanged.caused_by(
            verdict,
            order_id=verdict.order_id,
            channel=channel,
            from_status=current,
            to_status=target,
            reason=reason,
        )
        await uow.outbox.add(changed, key=str(verdict.order_id))
        await uow.commit()


def _outcome(verdict: Event) -> tuple[OrderStatus, str | None, list[Any], dict[str, Any]]:
    if isinstance(verdict, StockReserved):
        allocations = list(verdict.allocations)
        return OrderStatus.RESERVED, None, allocations, {"allocations": len(allocations)}
    assert isinstance(verdict, StockReservationRejected)
    return OrderStatus.REJECTED, verdict.reason, [], {"reason": verdict.reason}
