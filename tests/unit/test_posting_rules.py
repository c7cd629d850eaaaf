import uuid
from pathlib import Path

import pytest

from services.accounting_poster.chart import ChartError, load_chart
from services.accounting_poster.domain import MissingCost, cogs_lines, is_balanced, sale_lines
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals

RULES = load_chart(Path(__file__).resolve().parents[2] / "config" / "accounts.yaml").rules


def order(**totals: int | bool) -> OrderPlaced:
    fields = dict(
        items_minor=10000,
        discount_minor=1000,
        shipping_minor=500,
        tax_minor=720,
        total_minor=10220,
        taxes_included=False,
    )
    return OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="web",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        lines=(
            OrderLine(
                line_ref="1", kind=LineKind.STOCK, sku="A", title="A", quantity=1, gross_minor=10000
            ),
        ),
        totals=OrderTotals(**{**fields, **totals}),
    )


def amounts(lines) -> dict[str, tuple[int, int]]:
    return {line.account: (line.debit_minor, line.credit_minor) for line in lines}


def test_a_sale_debits_what_is_owed_and_credits_revenue_shipping_and_tax() -> None:
    lines = sale_lines(order(), RULES)
    assert is_balanced(lines)
    assert amounts(lines) == {
        RULES.receivable: (10220, 0),
        RULES.discounts: (1000, 0),
        RULES.revenue: (0, 10000),
        RULES.shipping_income: (0, 500),
        RULES.sales_tax_payable: (0, 720),
    }


def test_tax_included_in_prices_is_taken_out_of_revenue() -> None:
    lines = sale_lines(order(taxes_included=True, total_minor=9500), RULES)
    assert is_balanced(lines)
    assert amounts(lines)[RULES.revenue] == (0, 10000 - 720)


def test_zero_amounts_make_no_lines() -> None:
    lines = sale_lines(
        order(discount_minor=0, shipping_minor=0, tax_minor=0, total_minor=10000), RULES
    )
    assert set(amounts(lines)) == {RULES.receivable, RULES.revenue}


def test_cost_of_goods_is_unit_cost_times_units_shipped() -> None:
    lines = cogs_lines({"A": 3, "B": 1}, {"A": 250, "B": 1000}, RULES)
    assert is_balanced(lines)
    assert (
        sum(line.debit_minor for line in lines if line.account == RULES.cost_of_goods_sold) == 1750
    )


def test_cost_of_goods_without_a_unit_cost_is_refused_not_guessed() -> None:
    with pytest.raises(MissingCost, match="B"):
        cogs_lines({"A": 1, "B": 1}, {"A": 250}, RULES)


def test_posting_rules_must_name_accounts_of_the_chart(tmp_path) -> None:
    text = (Path(__file__).resolve().parents[2] / "config" / "accounts.yaml").read_text()
    (tmp_path / "chart.yaml").write_text(text.replace('inventory: "1300"', 'inventory: "9999"'))
    with pytest.raises(ChartError, match="9999"):
        load_chart(tmp_path / "chart.yaml")
