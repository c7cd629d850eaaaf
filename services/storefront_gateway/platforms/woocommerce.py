"""WooCommerce's REST v3 order and refund JSON: the order read to tell a cancellation
from other updates and each retry from a new event (its mapping is
`mapping/platforms/woocommerce.yaml`), the refund read and mapped here.

Line `subtotal` (before coupons) and `total` (after) are tax-exclusive whether or not
the store enters prices with tax, so the canonical totals are tax-exclusive too. Fee
lines (gift wrap, handling) are non-stock lines. Money arrives as decimal strings;
`price` is a float and is deliberately not used.
"""

from pydantic import BaseModel, ConfigDict, Field

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


class LineItem(_Payload):
    id: int
    name: str
    product_id: int | None = None
    variation_id: int | None = None
    sku: str | None = None
    quantity: int = Field(gt=0)
    subtotal: Amount
    total: Amount
    total_tax: Amount = "0"


class FeeLine(_Payload):
    id: int
    name: str
    total: Amount
    total_tax: Amount = "0"


class Address(_Payload):
    country: str | None = None
    email: str | None = None
    company: str | None = None


class WooOrder(_Payload):
    id: int
    number: str | None = None
    status: str | None = None
    currency: str
    total: Amount
    total_tax: Amount = "0"
    shipping_total: Amount = "0"
    line_items: list[LineItem] = Field(min_length=1)
    fee_lines: list[FeeLine] = []
    shipping: Address | None = None
    billing: Address | None = None
    date_modified_gmt: str | None = None


class RefundItem(_Payload):
    id: int
    name: str = ""
    sku: str | None = None
    product_id: int | None = None
    variation_id: int | None = None
    quantity: int
    subtotal: Amount
    total_tax: Amount = "0"
    meta_data: list[dict[str, object]] = []


class RefundShipping(_Payload):
    total: Amount
    total_tax: Amount = "0"


class WooRefund(_Payload):
    """A refund as `GET /wp-json/wc/v3/orders/{id}/refunds` returns it: quantities and
    amounts negative, each line naming the order line it refunds in `_refunded_item_id`."""

    id: int
    amount: Amount
    line_items: list[RefundItem] = []
    shipping_lines: list[RefundShipping] = []


def map_refund(
    refund: WooRefund, order_ref: str, channel: ChannelConfig, currency: str | None
) -> MappedOrder:
    if currency is None:
        raise MappingError(f"refund {refund.id}: the order {order_ref} is unknown here")
    cur = currency
    return build_refund(
        channel,
        RefundData(
            ref=str(refund.id),
            order_ref=order_ref,
            currency=cur,
            lines=[
                RefundLine(
                    line_ref=_refunded_item(item),
                    sku=channel.sku_for(item.sku, _variant_of_refund(item)),
                    quantity=abs(item.quantity),
                    amount_minor=abs(minor(item.subtotal, cur, "line_items.subtotal")),
                    tax_minor=abs(minor(item.total_tax, cur, "line_items.total_tax")),
                    # WooCommerce's refund does not record whether stock was put back: the
                    # goods' return is reported by the 3PL, not assumed from the refund.
                    restock=False,
                )
                for item in refund.line_items
            ],
            shipping_minor=sum(
                abs(minor(s.total, cur, "shipping_lines.total")) for s in refund.shipping_lines
            ),
            shipping_tax_minor=sum(
                abs(minor(s.total_tax, cur, "shipping_lines.total_tax"))
                for s in refund.shipping_lines
            ),
            total_minor=abs(minor(refund.amount, cur, "amount")),
        ),
    )


def _refunded_item(item: RefundItem) -> str:
    for meta in item.meta_data:
        if meta.get("key") == "_refunded_item_id":
            return str(meta.get("value"))
    return str(item.id)


def _variant_of_refund(item: RefundItem) -> str | None:
    for candidate in (item.variation_id, item.product_id):
        if candidate:
            return str(candidate)
    return None
