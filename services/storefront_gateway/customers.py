"""Customers at checkout: the ERP's accounts, with B2B negotiated prices and credit
limits, kept as a local read model so a channel asking "what does this customer pay for
this SKU?" is answered from the gateway's own table in milliseconds.

`GET /customers/{id}/pricing?sku=A&sku=B`: per SKU the list price now in force (the
price book, in the customer's currency) and the customer's price — negotiated where the
price list has one, otherwise the list price.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from services.storefront_gateway.catalog import repository as catalog
from services.storefront_gateway.catalog.domain import price_at
from shared.db import UnitOfWork
from shared.events.catalog import CustomerChanged
from shared.events.envelope import utcnow

CUSTOMERS_CONSUMER = "storefront-gateway.customer-directory"


async def record_customer(customer: CustomerChanged, uow: UnitOfWork) -> None:
    """Newest ERP revision wins: a redelivered or older record changes nothing."""
    async with uow:
        await uow.connection.execute(
            "INSERT INTO customers (customer_id, email, name, company, currency,"
            " credit_limit_minor, balance_minor, balance_as_of, price_list, revision)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (customer_id) DO UPDATE SET email = EXCLUDED.email,"
            " name = EXCLUDED.name, company = EXCLUDED.company, currency = EXCLUDED.currency,"
            " credit_limit_minor = EXCLUDED.credit_limit_minor,"
            " balance_minor = EXCLUDED.balance_minor, balance_as_of = EXCLUDED.balance_as_of,"
            " price_list = EXCLUDED.price_list, revision = EXCLUDED.revision"
            " WHERE customers.revision < EXCLUDED.revision",
            customer.customer_id,
            customer.email,
            customer.name,
            customer.company,
            customer.currency,
            customer.credit_limit_minor,
            customer.balance_minor,
            customer.balance_as_of,
            {p.sku: p.amount_minor for p in customer.price_list},
            customer.revision,
        )
        await uow.commit()


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


def customers_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["customers"])

    @router.get("/customers/{customer_id}/pricing")
    async def pricing(
        customer_id: Annotated[str, Path(max_length=64)], sku: Sku
    ) -> CustomerPricing:
        async with uow_factory() as uow:
            conn = uow.connection
            customer = await conn.fetchrow(
                "SELECT * FROM customers WHERE customer_id = $1", customer_id
            )
            if customer is None:
                raise HTTPException(
                    404, f"no customer {customer_id} (not yet synced from the ERP?)"
                )
            prices = [await _price(conn, dict(customer), s) for s in sku]
        return CustomerPricing(
            customer_id=customer_id,
            name=customer["name"],
            company=customer["company"],
            currency=customer["currency"],
            credit_limit_minor=customer["credit_limit_minor"],
            prices=prices,
        )

    return router


async def _price(conn: Any, customer: dict[str, Any], sku: str) -> SkuPrice:
    entry = price_at(await catalog.price_entries(conn, sku), customer["currency"], utcnow())
    listed = entry.amount_minor if entry else None
    negotiated = customer["price_list"].get(sku)
    if negotiated is not None:
        return SkuPrice(
            sku=sku, list_price_minor=listed, price_minor=negotiated, source="negotiated"
        )
    return SkuPrice(
        sku=sku, list_price_minor=listed, price_minor=listed, source="list" if entry else "none"
    )
