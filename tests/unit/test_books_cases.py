"""The cases real stores produce, posted to the cent — amounts worked by hand here:
tax-inclusive prices at two rates with taxed shipping, a coupon posted either way, a
partial refund to a returns account, and a cancellation after the sale was posted."""

import uuid
from pathlib import Path

from services.accounting_poster.chart import Rules, load_chart
from services.accounting_poster.domain import (
    Line,
    is_balanced,
    refund_lines,
    sale_lines,
    void_lines,
)
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals
from shared.events.returns import RefundIssued, RefundLine

BASE = load_chart(Path(__file__).resolve().parents[2] / "config" / "accounts.yaml").rules
# A German chart: VAT 7 % and 19 % each on its own account, a sales returns account.
EU = Rules(
    **{
        **BASE.model_dump(),
        "tax_accounts": {"7": "2207", "19%": "2219"},
        "refunds": "4200",
    }
)


def line(ref: str, gross: int, tax: int, rate: str | None, discount: int = 0) -> OrderLine:
    return OrderLine(
        line_ref=ref, kind=LineKind.STOCK, sku=f"S{ref}", title=ref, quantity=1,
        gross_minor=gross, discount_minor=discount, tax_minor=tax, tax_rate=rate,
    )  # fmt: skip


def placed(lines: list[OrderLine], **totals: object) -> OrderPlaced:
    return OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="eu-shop",
        channel_order_ref="9",
        channel_order_name="#9",
        currency="EUR",
        lines=tuple(lines),
        totals=OrderTotals.model_validate(totals),
    )


def amounts(lines: list[Line]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for x in lines:
        debit, credit = found.get(x.account, (0, 0))
        found[x.account] = (debit + x.debit_minor, credit + x.credit_minor)
    return found


# A book at 107.00 with 7 % VAT in it (7.00), a lamp at 119.00 with 19 % (19.00),
# shipping 5.95 with 19 % (0.95): 226.00 + 5.95 paid, 26.95 of it VAT.
EU_ORDER = placed(
    [line("1", 10700, 700, "7"), line("2", 11900, 1900, "19")],
    items_minor=22600, discount_minor=0, shipping_minor=595, tax_minor=2695,
    total_minor=23195, taxes_included=True, shipping_tax_minor=95, shipping_tax_rate="19",
)  # fmt: skip


def test_tax_inclusive_prices_post_net_revenue_net_shipping_and_each_rate_to_its_account() -> None:
    lines = sale_lines(EU_ORDER, EU)
    assert is_balanced(lines)
    assert amounts(lines) == {
        BASE.receivable: (23195, 0),
        BASE.revenue: (0, 20000),  # 100.00 + 100.00: each line's gross less its own VAT
        BASE.shipping_income: (0, 500),  # 5.95 less its own 0.95
        "2207": (0, 700),
        "2219": (0, 1995),  # the lamp's 19.00 and the shipping's 0.95
    }


def test_a_rate_the_chart_does_not_name_goes_to_the_default_tax_account() -> None:
    lines = sale_lines(EU_ORDER, BASE)
    assert amounts(lines)[BASE.sales_tax_payable] == (0, 2695)
    assert amounts(lines)[BASE.revenue] == (0, 20000)


# 50.00 of goods, a 5.00 coupon, 10 % tax on the 45.00: 49.50 paid.
COUPON = placed(
    [line("1", 5000, 450, "10", discount=500)],
    items_minor=5000, discount_minor=500, shipping_minor=0, tax_minor=450,
    total_minor=4950, taxes_included=False,
)  # fmt: skip


def test_a_coupon_posts_as_contra_revenue_or_net_and_ties_to_the_total_either_way() -> None:
    contra = amounts(sale_lines(COUPON, BASE))
    assert contra == {
        BASE.receivable: (4950, 0),
        BASE.discounts: (500, 0),
        BASE.revenue: (0, 5000),
        BASE.sales_tax_payable: (0, 450),
    }
    net_rules = Rules(**{**BASE.model_dump(), "discount_posting": "net"})
    net = amounts(sale_lines(COUPON, net_rules))
    assert net == {
        BASE.receivable: (4950, 0),
        BASE.revenue: (0, 4500),
        BASE.sales_tax_payable: (0, 450),
    }


def refund_of_the_lamp_and_shipping() -> RefundIssued:
    return RefundIssued(
        correlation_id=uuid.uuid4(),
        order_id=EU_ORDER.order_id,
        channel="eu-shop",
        channel_order_ref="9",
        refund_ref="R1",
        currency="EUR",
        lines=(
            RefundLine(
                line_ref="2", sku="S2", quantity=1, amount_minor=10000, tax_minor=1900, restock=True
            ),
        ),
        shipping_minor=500,
        shipping_tax_minor=95,
        total_minor=12495,
    )


def test_a_partial_refund_goes_to_the_returns_account_and_each_tax_to_its_rate() -> None:
    lines = refund_lines(refund_of_the_lamp_and_shipping(), EU, {"1": "7", "2": "19"}, "19")
    assert is_balanced(lines)
    assert amounts(lines) == {
        "4200": (10000, 0),
        BASE.shipping_income: (500, 0),
        "2219": (1995, 0),
        BASE.receivable: (0, 12495),
    }
    without = amounts(refund_lines(refund_of_the_lamp_and_shipping(), BASE))
    assert without[BASE.revenue] == (10000, 0)  # no returns account: against revenue


def test_a_cancellation_reverses_the_sale_less_what_the_refund_reversed() -> None:
    sale = sale_lines(EU_ORDER, EU)
    refund = refund_lines(refund_of_the_lamp_and_shipping(), EU, {"1": "7", "2": "19"}, "19")
    void = void_lines(sale + refund, "order cancelled")
    assert is_balanced(void)
    # What was left of the sale — the book: 100.00 net, its 7.00 VAT, owed 107.00.
    assert amounts(void) == {
        BASE.receivable: (0, 23195 - 12495),
        BASE.revenue: (20000, 0),
        "4200": (0, 10000),
        "2207": (700, 0),
    }
    after = amounts(sale + refund + void)
    assert all(debit == credit for debit, credit in after.values())  # nothing left
