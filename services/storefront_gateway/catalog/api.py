"""Customers at checkout: the ERP's accounts, with B2B negotiated prices and credit
limits, kept as a local read model so a channel asking "what does this customer pay for
this SKU?" is answered from the gateway's own table in milliseconds.

`GET /customers/{id}/pricing?sku=A&sku=B`: per SKU the list price now in force (the
price book, in the customer's currency) and the customer's price — negotiated where the
price list has one, otherwise the list price.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from services.storefront_gateway.catalog import repository
from services.storefront_gateway.catalog.domain import price_at
from shared.deps import Uow
from shared.events.envelope import utcnow

router = APIRouter(tags=["customers"])


class SkuPrice(BaseModel):
    sku: str
    list_price_minor: int | None
    price_minor: int | None
    source: str  # negotiated | list | none


class CustomerPricing(BaseModel):
    customer_id: str
    name: str
    company: str | None
    currency: str
    credit_limit_minor: int | None
    prices: list[SkuPrice]


Sku = Annotated[list[str], Query(min_length=1, max_length=100, description="One or more SKUs.")]


@router.get("/customers/{customer_id}/pricing")
async def pricing(
    customer_id: Annotated[str, Path(max_length=64)], sku: Sku, uow: Uow
) -> CustomerPricing:
    async with uow:
        customer = await repository.customer(uow.connection, customer_id)
        if customer is None:
            raise HTTPException(404, f"no customer {customer_id} (not yet synced from the ERP?)")
        prices = [await _price(uow.connection, customer, s) for s in sku]
    return CustomerPricing(
        customer_id=customer_id,
        name=customer["name"],
        company=customer["company"],
        currency=customer["currency"],
        credit_limit_minor=customer["credit_limit_minor"],
        prices=prices,
    )


async def _price(conn: Any, customer: dict[str, Any], sku: str) -> SkuPrice:
    entry = price_at(await repository.price_entries(conn, sku), customer["currency"], utcnow())
    listed = entry.amount_minor if entry else None
    negotiated = customer["price_list"].get(sku)
    if negotiated is not None:
        return SkuPrice(
            sku=sku, list_price_minor=listed, price_minor=negotiated, source="negotiated"
        )
    return SkuPrice(
        sku=sku, list_price_minor=listed, price_minor=listed, source="list" if entry else "none"
    )
