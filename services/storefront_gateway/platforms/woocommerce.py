"""WooCommerce `order.created`: the REST v3 order JSON, and its mapping.

Line `subtotal` (before coupons) and `total` (after) are tax-exclusive whether or not
the store enters prices with tax, so the canonical totals are tax-exclusive too. Fee
lines (gift wrap, handling) are non-stock lines. Money arrives as decimal strings;
`price` is a float and is deliberately not used.
"""

from pydantic import BaseModel, ConfigDict, Field

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    MappingError,
    RefundData,
    build_order,
    build_refund,
    cancellation,
    minor,
    unmapped_reason,
)
from shared.events.orders import LineKind, OrderLine, UnmappedLine
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


def map_cancellation(order: WooOrder, channel: ChannelConfig) -> MappedOrder:
    """WooCommerce has no cancel topic: an `order.updated` whose status is cancelled."""
    return cancellation(channel, str(order.id), "cancelled in WooCommerce")


def _variant_of(item: LineItem) -> str | None:
    for candidate in (item.variation_id, item.product_id):
        if candidate:
            return str(candidate)
    return None


def map_order(order: WooOrder, channel: ChannelConfig) -> MappedOrder:
    cur = order.currency
    lines: list[OrderLine] = []
    unmapped: list[UnmappedLine] = []
    for item in order.line_items:
        gross = minor(item.subtotal, cur, f"line_items[{item.id}].subtotal")
        variant = _variant_of(item)
        sku = channel.sku_for(item.sku, variant)
        if sku is None:
            unmapped.append(
                UnmappedLine(
                    line_ref=str(item.id),
                    title=item.name,
                    quantity=item.quantity,
                    gross_minor=gross,
                    reason=unmapped_reason(item.name, item.sku, variant),
                )
            )
            continue
        lines.append(
            OrderLine(
                line_ref=str(item.id),
                kind=LineKind.STOCK,
                sku=sku,
                title=item.name,
                quantity=item.quantity,
                gross_minor=gross,
                discount_minor=gross - minor(item.total, cur, f"line_items[{item.id}].total"),
                tax_minor=minor(item.total_tax, cur, f"line_items[{item.id}].total_tax"),
            )
        )
    for fee in order.fee_lines:
        lines.append(
            OrderLine(
                line_ref=f"fee-{fee.id}",
                kind=LineKind.NON_STOCK,
                title=fee.name,
                quantity=1,
                gross_minor=minor(fee.total, cur, f"fee_lines[{fee.id}].total"),
                tax_minor=minor(fee.total_tax, cur, f"fee_lines[{fee.id}].total_tax"),
            )
        )
    discount = sum(
        minor(i.subtotal, cur, "subtotal") - minor(i.total, cur, "total") for i in order.line_items
    )

    return build_order(
        channel,
        ChannelOrder(
            ref=str(order.id),
            name=f"#{order.number or order.id}",
            currency=cur,
            lines=lines,
            unmapped=unmapped,
            discount_minor=discount,
            shipping_minor=minor(order.shipping_total, cur, "shipping_total"),
            tax_minor=minor(order.total_tax, cur, "total_tax"),
            total_minor=minor(order.total, cur, "total"),
            taxes_included=False,
            ship_to_country=order.shipping.country if order.shipping else None,
            customer_email=order.billing.email if order.billing else None,
            customer_company=(order.billing.company or None) if order.billing else None,
        ),
    )


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
