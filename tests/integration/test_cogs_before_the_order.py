"""A dispatch read before its order's amounts (two topics, two consumer groups: after a
restart either group may catch up first) is parked, then posted once the order arrives;
never dead-lettered (real PostgreSQL)."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.accounting_poster import handlers, repository
from services.accounting_poster.chart import load_chart
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentDispatched, ShipmentLine
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals
from tests.integration.conftest import migrated_pool

CHART = load_chart(Path(__file__).resolve().parents[2] / "config" / "accounts.yaml")
RULES = CHART.rules


@pytest.fixture
async def books_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "accounting-poster", "services.accounting_poster.migrations"
    )
    async with pool.acquire() as conn:
        await repository.install_chart(conn, CHART)
    yield pool
    await pool.close()


def uow(pool: Any) -> UnitOfWork:
    return UnitOfWork(pool, "accounting-poster", "i.")


def placed(sku: str) -> OrderPlaced:
    return OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="web",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        lines=(
            OrderLine(
                line_ref="1", kind=LineKind.STOCK, sku=sku, title=sku, quantity=2, gross_minor=2000
            ),
        ),
        totals=OrderTotals(
            items_minor=2000,
            discount_minor=0,
            shipping_minor=0,
            tax_minor=0,
            total_minor=2000,
            taxes_included=False,
        ),
    )


def dispatch_of(order: OrderPlaced, sku: str) -> ShipmentDispatched:
    return ShipmentDispatched(
        correlation_id=order.correlation_id,
        shipment_id=uuid.uuid4(),
        order_id=order.order_id,
        channel="web",
        channel_order_ref="1",
        location="wh-1",
        dispatch_id="P1",
        carrier="UPS",
        tracking_number="1Z1",
        lines=(ShipmentLine(sku=sku, quantity=2),),
        complete=True,
    )


async def test_goods_shipped_before_the_order_is_known_are_booked_when_it_arrives(
    books_pool: Any,
) -> None:
    sku = f"EARLY-{uuid.uuid4().hex[:6]}"
    async with books_pool.acquire() as conn:
        await repository.set_cost(conn, sku, "USD", 400)
    order = placed(sku)

    await handlers.post_cogs(dispatch_of(order, sku), uow(books_pool), RULES)
    async with books_pool.acquire() as conn:
        [waiting] = await repository.parked_for_order(conn, order.order_id)
        assert waiting["reason"] == handlers.AWAITING_ORDER
        assert not await repository.journal(conn, order.order_id)

    await handlers.remember_order(order, uow(books_pool), RULES)
    async with books_pool.acquire() as conn:
        assert await repository.parked_for_order(conn, order.order_id) == []
        cogs = [e for e in await repository.journal(conn, order.order_id) if e["kind"] == "cogs"]
    assert len(cogs) == 1
    amounts = {
        (line["account"], line["debit_minor"], line["credit_minor"]) for line in cogs[0]["lines"]
    }
    assert amounts == {(RULES.cost_of_goods_sold, 800, 0), (RULES.inventory, 0, 800)}
