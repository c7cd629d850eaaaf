"""Point-of-sale sales posted by the POS system, and their mapping.

Amounts are integers in minor units; prices include tax when `tax_inclusive` is true.
A sale happens at an outlet, which the channel maps to a Crossdock location: it is a
counter sale there (reserved and handed over at once, never shipped). A sale from an
outlet the channel does not map cannot be placed anywhere and is quarantined.
"""

from pydantic import BaseModel, ConfigDict, Field

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    MappingError,
    build_order,
    unmapped_reason,
)
from shared.events.orders import LineKind, OrderLine, UnmappedLine


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SaleLine(_Payload):
    sku: str | None = None
    name: str
    quantity: int = Field(gt=0)
    line_total_minor: int = Field(ge=0)
    tax_minor: int = Field(0, ge=0)


class PosSale(_Payload):
    sale_id: str = Field(min_length=1, max_length=64)
    outlet_id: str
    currency: str
    tax_inclusive: bool = True
    lines: list[SaleLine] = Field(min_length=1)
    total_minor: int = Field(ge=0)
    total_tax_minor: int = Field(0, ge=0)
    customer_email: str | None = None


def map_sale(sale: PosSale, channel: ChannelConfig) -> MappedOrder:
    location = channel.pos_locations.get(sale.outlet_id)
    if location is None:
        raise MappingError(f"outlet {sale.outlet_id!r} is not mapped to a location")
    lines: list[OrderLine] = []
    unmapped: list[UnmappedLine] = []
    for n, line in enumerate(sale.lines, start=1):
        sku = channel.sku_for(line.sku, None)
        if sku is None:
            unmapped.append(
                UnmappedLine(
                    line_ref=str(n),
                    title=line.name,
                    quantity=line.quantity,
                    gross_minor=line.line_total_minor,
                    reason=unmapped_reason(line.name, None, None),
                )
            )
            continue
        lines.append(
            OrderLine(
                line_ref=str(n),
                kind=LineKind.STOCK,
                sku=sku,
                title=line.name,
                quantity=line.quantity,
                gross_minor=line.line_total_minor,
                discount_minor=0,
                tax_minor=line.tax_minor,
            )
        )
    return build_order(
        channel,
        ChannelOrder(
            ref=sale.sale_id,
            name=sale.sale_id,
            currency=sale.currency,
            lines=lines,
            unmapped=unmapped,
            discount_minor=0,
            shipping_minor=0,
            tax_minor=sale.total_tax_minor,
            total_minor=sale.total_minor,
            taxes_included=sale.tax_inclusive,
            ship_to_country=None,
            customer_email=sale.customer_email,
            sold_at_location=location,
        ),
    )
