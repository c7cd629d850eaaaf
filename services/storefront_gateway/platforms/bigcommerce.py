"""BigCommerce's refunds (`GET /v3/orders/{id}/payment_actions/refunds`), read and mapped
here: https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds

A refund gives `total_amount` (what went back), `total_tax` (of it, tax) and its
`items`: `PRODUCT` items by order product id and quantity, `SHIPPING` (and other
amount-bound items) by `requested_amount`. Amounts are decimal numbers. The goods part
(total less tax less shipping) is shared among the refunded products in proportion to
their price ex tax, the tax likewise, the remainder to the last line, so the refund
adds up to the cent to what the customer got back. An amount refunded on the order as
a whole is a line of its own (no SKU, no units).
"""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    MappedOrder,
    MappingError,
    RefundData,
    build_refund,
    minor,
)
from shared.events.returns import RefundLine

Amount = str | int | float


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RefundItem(_Payload):
    item_type: str
    item_id: int | None = None
    quantity: int | None = None
    requested_amount: Amount | None = None


class BigCommerceRefund(_Payload):
    id: int
    order_id: int
    total_amount: Amount
    total_tax: Amount = 0
    items: tuple[RefundItem, ...] = ()


def map_refund(
    refund: BigCommerceRefund,
    products: list[dict[str, Any]],
    channel: ChannelConfig,
    currency: str | None,
) -> MappedOrder:
    order_ref = str(refund.order_id)
    if currency is None:
        raise MappingError(f"refund {refund.id}: the order {order_ref} is unknown here")
    total = minor(_text(refund.total_amount), currency, "total_amount")
    tax = max(0, minor(_text(refund.total_tax), currency, "total_tax"))
    shipping = sum(
        minor(_text(item.requested_amount or 0), currency, "items.requested_amount")
        for item in refund.items
        if item.item_type == "SHIPPING"
    )
    goods = total - tax - shipping
    if goods < 0:
        raise MappingError(f"refund {refund.id}: tax and shipping exceed the total refunded")
    lines = _lines(refund, products, channel, goods, tax, currency)
    data = RefundData(
        ref=str(refund.id),
        order_ref=order_ref,
        currency=currency,
        lines=lines,
        shipping_minor=shipping,
        shipping_tax_minor=0 if lines else tax,
        total_minor=total,
    )
    return build_refund(channel, data)


def _lines(
    refund: BigCommerceRefund,
    products: list[dict[str, Any]],
    channel: ChannelConfig,
    goods: int,
    tax: int,
    currency: str,
) -> list[RefundLine]:
    by_id = {int(p["id"]): p for p in products if "id" in p}
    refunded = [i for i in refund.items if i.item_type == "PRODUCT" and i.item_id is not None]
    missing = [i.item_id for i in refunded if i.item_id not in by_id]
    if missing:
        raise MappingError(f"refund {refund.id}: order products {missing} are not on the order")
    if not refunded:
        if goods == 0:
            return []
        return [RefundLine(line_ref="order", sku=None, quantity=0, amount_minor=goods,
                           tax_minor=tax, restock=False)]  # fmt: skip
    weights = [
        Decimal(_text(by_id[i.item_id or 0].get("price_ex_tax") or 0)) * (i.quantity or 0)
        for i in refunded
    ]
    amounts, taxes = _shared(goods, weights), _shared(tax, weights)
    return [
        RefundLine(
            line_ref=str(item.item_id),
            sku=channel.sku_for(by_id[item.item_id or 0].get("sku") or None, None),
            quantity=item.quantity or 0,
            amount_minor=amount,
            tax_minor=line_tax,
            # The refund does not say the goods came back: a return is the 3PL's to report.
            restock=False,
        )
        for item, amount, line_tax in zip(refunded, amounts, taxes, strict=True)
    ]


def _shared(total: int, weights: list[Decimal]) -> list[int]:
    """`total` minor units in proportion to `weights`, the remainder to the last."""
    whole = sum(weights)
    if whole == 0:
        shares = [0] * (len(weights) - 1)
    else:
        shares = [int(total * w / whole) for w in weights[:-1]]
    return [*shares, total - sum(shares)]


def _text(amount: Amount) -> str:
    """A decimal number as its exact text (JSON floats like 12.5 read as "12.5")."""
    return format(Decimal(str(amount)), "f")
