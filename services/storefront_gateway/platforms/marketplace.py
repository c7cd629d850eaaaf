"""Marketplace `order.created` notifications, and their mapping.

Amounts are decimal strings; `item_price` and `item_tax` are line totals (price times
quantity), as marketplace seller APIs report them. Items carry the seller's SKU.
"""

from pydantic import BaseModel, ConfigDict, Field

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    build_order,
    minor,
    unmapped_reason,
)
from shared.events.orders import LineKind, OrderLine, UnmappedLine


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Item(_Payload):
    seller_sku: str | None = None
    title: str
    quantity: int = Field(gt=0)
    item_price: str | int | float
    item_tax: str | int | float = "0"


class Buyer(_Payload):
    email: str | None = None


class ShipTo(_Payload):
    country_code: str | None = None


class MarketplaceOrder(_Payload):
    order_id: str = Field(min_length=1, max_length=64)
    currency: str
    items: list[Item] = Field(min_length=1)
    shipping_price: str | int | float = "0"
    order_total: str | int | float
    buyer: Buyer | None = None
    ship_to: ShipTo | None = None


def map_order(order: MarketplaceOrder, channel: ChannelConfig) -> MappedOrder:
    cur = order.currency
    lines: list[OrderLine] = []
    unmapped: list[UnmappedLine] = []
    for n, item in enumerate(order.items, start=1):
        gross = minor(item.item_price, cur, f"items[{n}].item_price")
        sku = channel.sku_for(item.seller_sku, None)
        if sku is None:
            reason = unmapped_reason(item.title, None, None)
            unmapped.append(
                UnmappedLine(
                    line_ref=str(n),
                    title=item.title,
                    quantity=item.quantity,
                    gross_minor=gross,
                    reason=reason,
                )
            )

            continue
        lines.append(
            OrderLine(
                line_ref=str(n),
                kind=LineKind.STOCK,
                sku=sku,
                title=item.title,
                quantity=item.quantity,
                gross_minor=gross,
                discount_minor=0,
                tax_minor=minor(item.item_tax, cur, f"items[{n}].item_tax"),
            )
        )
    tax = sum(x.tax_minor for x in lines)
    return build_order(
        channel,
        ChannelOrder(
            ref=order.order_id,
            name=order.order_id,
            currency=cur,
            lines=lines,
            unmapped=unmapped,
            discount_minor=0,
            shipping_minor=minor(order.shipping_price, cur, "shipping_price"),
            tax_minor=tax,
            total_minor=minor(order.order_total, cur, "order_total"),
            taxes_included=False,
            ship_to_country=order.ship_to.country_code if order.ship_to else None,
            customer_email=order.buyer.email if order.buyer else None,
        ),
    )
