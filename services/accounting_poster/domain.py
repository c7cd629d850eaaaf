"""Pure posting rules: what a sale and a dispatch put in the books. No I/O."""

from dataclasses import dataclass

from services.accounting_poster.chart import Rules
from shared.events.orders import OrderPlaced
from shared.events.returns import RefundIssued


@dataclass(frozen=True)
class Line:
    account: str
    debit_minor: int
    credit_minor: int
    description: str


def debit(account: str, amount: int, description: str) -> Line:
    return Line(account, amount, 0, description)


def credit(account: str, amount: int, description: str) -> Line:
    return Line(account, 0, amount, description)


def sale_lines(order: OrderPlaced, rules: Rules) -> list[Line]:
    """Dr receivable (what the customer pays) and discounts given; Cr revenue (net of tax
    when prices include it), shipping income and sales tax payable. Zero lines are left out."""
    t = order.totals
    revenue = t.items_minor - t.tax_minor if t.taxes_included else t.items_minor
    lines = [
        debit(rules.receivable, t.total_minor, f"{order.channel} order {order.channel_order_name}"),
        debit(rules.discounts, t.discount_minor, "discounts given"),
        credit(rules.revenue, revenue, "goods and services sold"),
        credit(rules.shipping_income, t.shipping_minor, "shipping charged"),
        credit(rules.sales_tax_payable, t.tax_minor, "sales tax collected"),
    ]
    return [line for line in lines if line.debit_minor or line.credit_minor]


def refund_lines(refund: RefundIssued, rules: Rules) -> list[Line]:
    """The sale in reverse, for exactly what was refunded: goods, tax, shipping."""
    goods = sum(line.amount_minor for line in refund.lines)
    tax = sum(line.tax_minor for line in refund.lines) + refund.shipping_tax_minor
    lines = [
        debit(rules.revenue, goods, f"goods refunded ({refund.refund_ref})"),
        debit(rules.shipping_income, refund.shipping_minor, "shipping refunded"),
        debit(rules.sales_tax_payable, tax, "sales tax refunded"),
        credit(rules.receivable, refund.total_minor, f"paid back on {refund.channel_order_ref}"),
    ]
    return [line for line in lines if line.debit_minor or line.credit_minor]


class MissingCost(LookupError):
    """No unit cost is known for a SKU: cost of goods cannot be booked without guessing."""


def cogs_lines(
    shipped: dict[str, int], unit_costs: dict[str, int], rules: Rules, back: bool = False
) -> list[Line]:
    """Dr cost of goods sold, Cr inventory: unit cost x units shipped, per SKU — or, for
    sellable goods that came back (`back`), the same in reverse."""
    missing = sorted(sku for sku in shipped if sku not in unit_costs)
    if missing:
        raise MissingCost(f"no unit cost for {', '.join(missing)}")
    lines: list[Line] = []
    for sku, quantity in sorted(shipped.items()):
        amount = unit_costs[sku] * quantity
        if amount:
            expense, stock = (credit, debit) if back else (debit, credit)
            lines.append(expense(rules.cost_of_goods_sold, amount, f"{quantity} x {sku}"))
            lines.append(stock(rules.inventory, amount, f"{quantity} x {sku}"))
    return lines


def is_balanced(lines: list[Line]) -> bool:
    return sum(line.debit_minor for line in lines) == sum(line.credit_minor for line in lines)
