"""B2B invoice numbers have no gaps (real PostgreSQL): a posting that rolls back gives
its number back, and the numbers restart each year when the chart says so."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.accounting_poster import repository
from services.accounting_poster.chart import load_chart
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals
from tests.integration.conftest import migrated_pool

CHART = load_chart(Path(__file__).resolve().parents[2] / "config" / "accounts.yaml")


@pytest.fixture
async def books_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "accounting-poster", "services.accounting_poster.migrations"
    )
    async with pool.acquire() as conn:
        await repository.install_chart(conn, CHART)
        await conn.execute("DELETE FROM invoices; DELETE FROM invoice_counters")
    yield pool
    await pool.close()


def b2b_order() -> OrderPlaced:
    return OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="web",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        lines=(
            OrderLine(
                line_ref="1", kind=LineKind.STOCK, sku="A", title="A", quantity=1, gross_minor=1000
            ),
        ),
        totals=OrderTotals(
            items_minor=1000,
            discount_minor=0,
            shipping_minor=0,
            tax_minor=0,
            total_minor=1000,
            taxes_included=False,
        ),
        customer_company="Acme",
    )


async def number_of(conn: Any, order: OrderPlaced) -> str:
    found = await conn.fetchval(
        "SELECT invoice_number FROM invoices WHERE order_id = $1", order.order_id
    )
    return str(found)


async def test_a_rolled_back_invoice_gives_its_number_back(books_pool: Any) -> None:
    async with books_pool.acquire() as conn:
        first = b2b_order()
        async with conn.transaction():
            await repository.issue_invoice(conn, first, yearly=True)
        lost = b2b_order()
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await repository.issue_invoice(conn, lost, yearly=True)
                raise RuntimeError("the posting failed after the invoice was numbered")
        second = b2b_order()
        async with conn.transaction():
            await repository.issue_invoice(conn, second, yearly=True)
        numbers = [await number_of(conn, first), await number_of(conn, second)]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2], numbers  # no gap at 2


async def test_numbers_restart_each_year_or_count_on(books_pool: Any) -> None:
    async with books_pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO invoice_counters (series, last_number) VALUES ('1999', 41), ('all', 99)"
        )
        yearly, continuous = b2b_order(), b2b_order()
        async with conn.transaction():
            await repository.issue_invoice(conn, yearly, yearly=True)
            await repository.issue_invoice(conn, continuous, yearly=False)
        assert (await number_of(conn, yearly)).endswith("-000001")  # this year's first
        assert (await number_of(conn, continuous)).endswith("-000100")
