"""Pure posting rules: what a sale and a dispatch put in the books. No I/O."""

from dataclasses import dataclass
from typing import Any

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
    """Dr receivable (what the customer pays) and — where the chart posts discounts as
    contra revenue — the discounts given; Cr revenue, shipping income and tax by rate.
    Where prices include tax, revenue is the lines' gross less their own tax and shipping
    is posted less shipping's own tax: no tax moves between goods and shipping. Zero
    lines are left out."""
    t = order.totals
    goods_tax = t.tax_minor - t.shipping_tax_minor
    revenue = t.items_minor - goods_tax if t.taxes_included else t.items_minor
    shipping = t.shipping_minor - t.shipping_tax_minor if t.taxes_included else t.shipping_minor
    discount = t.discount_minor
    if rules.discount_posting == "net":
        revenue, discount = revenue - discount, 0
    lines = [
        debit(rules.receivable, t.total_minor, f"{order.channel} order {order.channel_order_name}"),
        debit(rules.discounts, discount, "discounts given"),
        credit(rules.revenue, revenue, "goods and services sold"),
        credit(rules.shipping_income, shipping, "shipping charged"),
        *(
            credit(account, amount, "sales tax collected" + (f" ({rate} %)" if rate else ""))
            for (account, rate), amount in tax_by_account(order, rules).items()
        ),
    ]
    return [line for line in lines if line.debit_minor or line.credit_minor]


def tax_by_account(order: OrderPlaced, rules: Rules) -> dict[tuple[str, str | None], int]:
    """The order's tax split by the account of each rate: each line's own tax to its
    rate's account, shipping's to its rate's, what no rate names (tax the channel gives
    only for the order) to the default account."""
    t = order.totals
    parts: list[tuple[str | None, int]] = [(x.tax_rate, x.tax_minor) for x in order.lines]
    parts.append((t.shipping_tax_rate, t.shipping_tax_minor))
    split: dict[tuple[str, str | None], int] = {}
    for rate, amount in parts:
        account = rules.tax_account(rate)
        if rate is not None and account != rules.sales_tax_payable and amount:
            split[(account, rate)] = split.get((account, rate), 0) + amount
    rest = t.tax_minor - sum(split.values())
    if rest < 0:  # the lines say more than the order: the order's figure stands
        return {(rules.sales_tax_payable, None): t.tax_minor}
    if rest:
        split[(rules.sales_tax_payable, None)] = rest
    return split


def refund_lines(
    refund: RefundIssued,
    rules: Rules,
    rates: dict[str, str | None] | None = None,
    shipping_rate: str | None = None,
) -> list[Line]:
    """The sale in reverse, for exactly what was refunded: goods (to the chart's refunds
    account where it has one), shipping, and the tax of each refunded line — and of the
    shipping — to its rate's account (`rates`: the sold lines' rates by line ref)."""
    rates = rates or {}
    goods = sum(line.amount_minor for line in refund.lines)
    taxes: dict[str, int] = {}
    for line in refund.lines:
        account = rules.tax_account(rates.get(line.line_ref))
        taxes[account] = taxes.get(account, 0) + line.tax_minor
    shipping_account = rules.tax_account(shipping_rate)
    taxes[shipping_account] = taxes.get(shipping_account, 0) + refund.shipping_tax_minor
    lines = [
        debit(rules.refunds or rules.revenue, goods, f"goods refunded ({refund.refund_ref})"),
        debit(rules.shipping_income, refund.shipping_minor, "shipping refunded"),
        *(debit(account, amount, "sales tax refunded") for account, amount in taxes.items()),
        credit(rules.receivable, refund.total_minor, f"paid back on {refund.channel_order_ref}"),
    ]
    return [line for line in lines if line.debit_minor or line.credit_minor]


def void_lines(posted: list[Line], memo: str) -> list[Line]:
    """What reverses a cancelled order's sale less what its refunds already reversed:
    per account, the net of `posted` the other way round."""
    net: dict[str, int] = {}
    for line in posted:
        net[line.account] = net.get(line.account, 0) + line.debit_minor - line.credit_minor
    return [
        credit(account, amount, memo) if amount > 0 else debit(account, -amount, memo)
        for account, amount in sorted(net.items())
        if amount
    ]


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


QBO_DOC_NUMBER_MAX = 21  # QuickBooks Online's DocNumber limit
DOC_SUFFIXES = {"sale": "", "refund": "-R", "void": "-V", "cogs": "-C"}


def doc_number(order_name: str, kind: str, nth: int, clash: int = 0) -> str:
    """An entry's document number: the channel's order name and what the entry is (the
    sale "1001", its refunds "1001-R1", "1001-R2", its cost of goods "1001-C1", its
    reversal "1001-V"), at most 21 characters — a long name keeps its end, where the
    number is — and, when another channel's order has the name already, "~1", "~2"."""
    base = order_name.strip().lstrip("#").strip() or "order"
    suffix = DOC_SUFFIXES[kind] + (str(nth) if kind in ("refund", "cogs") else "")
    suffix += f"~{clash}" if clash else ""
    room = QBO_DOC_NUMBER_MAX - len(suffix)
    return base[-room:] + suffix


def recognised(policy: str, sale: dict[str, Any]) -> bool:
    """Whether the sale is revenue now, by the chart's policy (chart.Rules.recognise),
    from what is known of it (its amounts, acceptance, payment, shipment)."""
    placed = sale["placed"]
    if placed is None or sale["cancelled"] or sale["posted"]:
        return False
    if policy == "shipment":
        return bool(sale["shipped"])
    if not sale["reserved"]:
        return False
    said = placed.get("payment")
    if policy == "payment":
        return bool(sale["paid"]) or said == "paid"
    if policy == "payment_state":
        return bool(sale["paid"]) or said in (None, "paid")
    return True  # acceptance
