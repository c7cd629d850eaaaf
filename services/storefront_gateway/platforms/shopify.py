"""Shopify `orders/create`: the order JSON as Shopify documents it, and its mapping.

Money arrives as decimal strings. A line that requires no shipping (tips, gift cards,
gift wrap) counts in the money but is never reserved or shipped. `total_discounts`
covers line and order discounts; prices include tax when `taxes_included` is true.
"""

from pydantic import BaseModel, ConfigDict, Field

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    build_order,
    cancellation,
    minor,
    unmapped_reason,
)
from shared.events.orders import LineKind, OrderLine, UnmappedLine

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


class ShopifyOrder(_Payload):
    id: int
    name: str
    cancel_reason: str | None = None
    email: str | None = None
    currency: str
    total_price: Amount
    total_tax: Amount = "0"
    total_discounts: Amount = "0"
    taxes_included: bool = False
    line_items: list[LineItem] = Field(min_length=1)
    shipping_lines: list[ShippingLine] = []
    shipping_address: Address | None = None


def map_order(order: ShopifyOrder, channel: ChannelConfig) -> MappedOrder:
    cur = order.currency
    lines: list[OrderLine] = []
    unmapped: list[UnmappedLine] = []
    for item in order.line_items:
        gross = minor(item.price, cur, f"line_items[{item.id}].price") * item.quantity
        variant = str(item.variant_id) if item.variant_id is not None else None
        sku = channel.sku_for(item.sku, variant)
        if item.requires_shipping and sku is None:
            reason = unmapped_reason(item.title, item.sku, variant)
            unmapped.append(
                UnmappedLine(
                    line_ref=str(item.id),
                    title=item.title,
                    quantity=item.quantity,
                    gross_minor=gross,
                    reason=reason,
                )
            )
            continue
        lines.append(
            OrderLine(
                line_ref=str(item.id),
                kind=LineKind.STOCK if item.requires_shipping else LineKind.NON_STOCK,
                sku=sku,
                title=item.title,
                quantity=item.quantity,
                gross_minor=gross,
                discount_minor=_line_discount(item, cur),
                tax_minor=sum(minor(t.price, cur, "tax_lines.price") for t in item.tax_lines),
            )
        )

    return build_order(
        channel,
        ChannelOrder(
            ref=str(order.id),
            name=order.name,
            currency=cur,
            lines=lines,
            unmapped=unmapped,
            discount_minor=minor(order.total_discounts, cur, "total_discounts"),
            shipping_minor=sum(
                minor(s.price, cur, "shipping_lines.price") for s in order.shipping_lines
            ),
            tax_minor=minor(order.total_tax, cur, "total_tax"),
            total_minor=minor(order.total_price, cur, "total_price"),
            taxes_included=order.taxes_included,
            ship_to_country=order.shipping_address.country_code if order.shipping_address else None,
            customer_email=order.email,
        ),
    )


def map_cancellation(order: ShopifyOrder, channel: ChannelConfig) -> MappedOrder:
    """`orders/cancelled` carries the whole order, with `cancel_reason`."""
    return cancellation(channel, str(order.id), order.cancel_reason)


def _line_discount(item: LineItem, currency: str) -> int:
    if item.discount_allocations:
        return sum(
            minor(d.amount, currency, "discount_allocations") for d in item.discount_allocations
        )
    return minor(item.total_discount, currency, "total_discount")
