"""Orders that wait for payment: a channel's policy routes only orders in some payment
states (`route_on_payment`: paid by default); another order is held, visible with the
reason, until the channel says it is paid (OrderPaid), and only then asks for stock."""

from services.order_router import repository, transitions
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.orders import OrderPaid, OrderPlaced, OrderStatus


def waiting_reason(order: OrderPlaced) -> str:
    state = order.payment.value if order.payment else "unknown"
    return f"waiting for payment: the channel reports it {state}"


async def hold_unless_paid(uow: UnitOfWork, order: OrderPlaced) -> bool:
    """True when the order now waits for its payment (nothing is reserved)."""
    if not order.awaiting_payment or await repository.take_early_payment(
        uow.connection, order.order_id
    ):
        return False
    locked = LockedOrder(order.order_id, OrderStatus.PLACED, order)
    await transitions.move(uow, locked, OrderStatus.AWAITING_PAYMENT, order, waiting_reason(order))
    return True


async def paid(uow: UnitOfWork, payment: OrderPaid) -> LockedOrder | None:
    """The order to route now that it is paid; None when there is nothing to route (it
    was not waiting, or it is not here yet: then it routes when it arrives)."""
    order = await repository.lock_order(uow.connection, payment.order_id)
    if order is None:
        await repository.remember_early_payment(uow.connection, payment)
        return None
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        await transitions.record(uow, order, payment, payment=payment.payment.value)
        return None
    return await transitions.move(
        uow, order, OrderStatus.PLACED, payment, f"paid ({payment.payment.value})"
    )
