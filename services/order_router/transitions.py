"""Moving an order to its next state: the one way the order-router changes an order's
status, so every change is checked, recorded in the timeline and published once."""

from dataclasses import replace
from typing import Any

import structlog

from services.order_router import repository
from services.order_router.domain import can_move
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.orders import OrderStatus, OrderStatusChanged

log = structlog.get_logger(__name__)


async def record(uow: UnitOfWork, order: LockedOrder, cause: Event, **detail: Any) -> None:
    """A timeline entry without a change of state (a dispatch of a partial shipment...)."""
    await repository.append_timeline(uow.connection, order.order_id, cause, detail)


async def move(
    uow: UnitOfWork,
    order: LockedOrder,
    target: OrderStatus,
    cause: Event,
    reason: str | None = None,
    **detail: Any,
) -> LockedOrder:
    """Move `order` to `target` if the state machine allows it; returns the order as now."""
    if order.status == target:
        await record(uow, order, cause, **detail)
        return order
    if not can_move(order.status, target):
        log.warning("transition not allowed", current=order.status, target=target)
        await record(uow, order, cause, ignored=f"{order.status} -> {target} not allowed")
        return order
    await repository.set_status(uow.connection, order.order_id, target, reason)
    await repository.append_timeline(
        uow.connection, order.order_id, cause, {**detail, "status": target.value}
    )
    changed = OrderStatusChanged.caused_by(
        cause,
        order_id=order.order_id,
        channel=order.placed.channel,
        from_status=order.status,
        to_status=target,
        reason=reason,
    )
    await uow.outbox.add(changed, key=str(order.order_id))
    return replace(order, status=target)
