"""Marketplace `order.created` notifications as the marketplace sends them: read to
refuse a malformed one with its reason and to name its delivery (the mapping is
`mapping/platforms/marketplace.yaml`).

Amounts are decimal strings; `item_price` and `item_tax` are line totals (price times
quantity), as marketplace seller APIs report them. Items carry the seller's SKU.
"""

from pydantic import BaseModel, ConfigDict, Field


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
