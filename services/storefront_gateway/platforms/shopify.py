"""Shopify's order and refund JSON as Shopify documents it: the order read to check
which shop signed it (its mapping is `mapping/platforms/shopify.yaml`), the refund
(`refunds/create`) read and mapped here.

Money arrives as decimal strings. A line that requires no shipping (tips, gift cards,
gift wrap) counts in the money but is never reserved or shipped. `total_discounts`
covers line and order discounts; prices include tax when `taxes_included` is true.
"""

from urllib.parse import urlsplit

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


class TaxLine(_Payload):
    price: Amount


class DiscountAllocation(_Payload):
    amount: Amount


class LineItem(_Payload):
    id: int
    variant_id: int | None = None
    sku: str | None = None
    title: str
    quantity: int = Field(gt=0)
    price: Amount
    total_discount: Amount = "0"
    discount_allocations: list[DiscountAllocation] = []
    tax_lines: list[TaxLine] = []
    requires_shipping: bool = True


class ShippingLine(_Payload):
    price: Amount


class Address(_Payload):
    country_code: str | None = None
    company: str | None = None


class ShopifyOrder(_Payload):
    id: int
    name: str
    order_status_url: str | None = None
    cancel_reason: str | None = None
    email: str | None = None
    source_name: str | None = None
    location_id: int | None = None
    currency: str
    total_price: Amount
    total_tax: Amount = "0"
    total_discounts: Amount = "0"
    taxes_included: bool = False
    line_items: list[LineItem] = Field(min_length=1)
    shipping_lines: list[ShippingLine] = []
    shipping_address: Address | None = None
    billing_address: Address | None = None


def shop_contradiction(order: ShopifyOrder, shop: str) -> str | None:
    """Why the signed body cannot be this shop's, or None.

    A public app's one secret signs every shop's webhooks, and the shop-domain header is
    not signed; what the body itself says is the `order_status_url`, documented as
    `https://{shop}.myshopify.com/{shop_id}/orders/{token}/authenticate?key=...` (REST
    Admin API, Order resource). A myshopify.com host there must be the header's shop. A
    store's own domain in that URL cannot be checked against the header (see
    docs/security.md).
    """
    host = (urlsplit(order.order_status_url or "").hostname or "").lower()
    if host.endswith(".myshopify.com") and host != shop.lower():
        return f"the signed order belongs to {host}, not to {shop}"
    return None


class RefundedItem(_Payload):
    sku: str | None = None
    variant_id: int | None = None
    title: str = ""


class RefundLineItem(_Payload):
    line_item_id: int
    quantity: int = Field(ge=0)
    restock_type: str = "no_restock"
    subtotal: Amount
    total_tax: Amount = "0"
    line_item: RefundedItem = RefundedItem()


class RefundTransaction(_Payload):
    amount: Amount
    kind: str
    status: str = "success"
    currency: str | None = None


class OrderAdjustment(_Payload):
    amount: Amount
    tax_amount: Amount = "0"
    kind: str


class ShopifyRefund(_Payload):
    """`refunds/create`: what was refunded, line by line, and what went back to the customer."""

    id: int
    order_id: int
    refund_line_items: list[RefundLineItem] = []
    transactions: list[RefundTransaction] = []
    order_adjustments: list[OrderAdjustment] = []


def map_refund(refund: ShopifyRefund, channel: ChannelConfig, currency: str | None) -> MappedOrder:
    paid_back = [t for t in refund.transactions if t.kind == "refund" and t.status == "success"]
    cur = next((t.currency for t in paid_back if t.currency), None) or currency
    if cur is None:
        raise MappingError(f"refund {refund.id}: no currency and the order is unknown here")
    shipping = [a for a in refund.order_adjustments if a.kind == "shipping_refund"]
    return build_refund(
        channel,
        RefundData(
            ref=str(refund.id),
            order_ref=str(refund.order_id),
            currency=cur,
            lines=[
                RefundLine(
                    line_ref=str(item.line_item_id),
                    sku=channel.sku_for(item.line_item.sku, _variant(item.line_item.variant_id)),
                    quantity=item.quantity,
                    amount_minor=minor(item.subtotal, cur, "refund_line_items.subtotal"),
                    tax_minor=minor(item.total_tax, cur, "refund_line_items.total_tax"),
                    restock=item.restock_type == "return",
                )
                for item in refund.refund_line_items
            ],
            shipping_minor=sum(
                abs(minor(a.amount, cur, "order_adjustments.amount")) for a in shipping
            ),
            shipping_tax_minor=sum(
                abs(minor(a.tax_amount, cur, "order_adjustments.tax_amount")) for a in shipping
            ),
            total_minor=sum(minor(t.amount, cur, "transactions.amount") for t in paid_back),
        ),
    )


def _variant(variant_id: int | None) -> str | None:
    return str(variant_id) if variant_id is not None else None
