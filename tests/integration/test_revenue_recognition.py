"""When a sale is revenue is the chart's policy (real PostgreSQL, the poster's use cases
in the order the facts may arrive): by default an authorised-only order is not revenue
until it is paid; `shipment` waits for the first parcel; `acceptance` books at once."""

import uuid
from typing import Any

from services.accounting_poster import handlers, repository
from services.accounting_poster.chart import Rules
from shared.events.orders import OrderPaid, OrderStatus, OrderStatusChanged, PaymentState
from tests.integration.test_cogs_before_the_order import (
    RULES,
    books_pool,  # noqa: F401  (the fixture)
    dispatch_of,
    placed,
    uow,
)


def reserved(order_id: uuid.UUID) -> OrderStatusChanged:
    return OrderStatusChanged(
        correlation_id=uuid.uuid4(),
        order_id=order_id,
        channel="web",
        from_status=OrderStatus.PLACED,
        to_status=OrderStatus.RESERVED,
    )


async def sales_of(pool: Any, order_id: uuid.UUID) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [e for e in await repository.journal(conn, order_id) if e["kind"] == "sale"]


async def test_an_authorised_order_is_revenue_once_paid(books_pool: Any) -> None:  # noqa: F811
    order = placed("AUTH").model_copy(update={"payment": PaymentState.AUTHORIZED})
    await handlers.remember_order(order, uow(books_pool), RULES)
    await handlers.note_acceptance(reserved(order.order_id), uow(books_pool), RULES)
    assert await sales_of(books_pool, order.order_id) == []  # authorised, not captured

    paid = OrderPaid(
        correlation_id=uuid.uuid4(),
        order_id=order.order_id,
        channel="web",
        channel_order_ref="1",
        payment=PaymentState.PAID,
    )
    await handlers.note_payment(paid, uow(books_pool), RULES)
    assert len(await sales_of(books_pool, order.order_id)) == 1


async def test_a_paid_order_is_revenue_when_accepted_by_default(books_pool: Any) -> None:  # noqa: F811
    order = placed("PAID").model_copy(update={"payment": PaymentState.PAID})
    await handlers.note_acceptance(reserved(order.order_id), uow(books_pool), RULES)
    await handlers.remember_order(order, uow(books_pool), RULES)  # the amounts come second
    assert len(await sales_of(books_pool, order.order_id)) == 1


async def test_at_shipment_the_first_parcel_makes_it_revenue(books_pool: Any) -> None:  # noqa: F811
    at_shipment = Rules(**{**RULES.model_dump(), "recognise": "shipment"})
    order = placed("SHIP").model_copy(update={"payment": PaymentState.PAID})
    await handlers.remember_order(order, uow(books_pool), at_shipment)
    await handlers.note_acceptance(reserved(order.order_id), uow(books_pool), at_shipment)
    assert await sales_of(books_pool, order.order_id) == []
    await handlers.post_cogs(dispatch_of(order, "SHIP"), uow(books_pool), at_shipment)
    assert len(await sales_of(books_pool, order.order_id)) == 1
