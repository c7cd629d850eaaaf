"""Use cases: a product or a price changed in the system of record; at a price window's
start or end, the clock changed the price. Each works out what every channel is owed.

No inbox: each record carries the ERP's revision and only a newer one changes anything,
so a redelivered event is a no-op.
"""

from datetime import datetime

import asyncpg

from services.storefront_gateway.catalog import repository
from services.storefront_gateway.catalog.domain import payload, price_at
from services.storefront_gateway.channels import Channels
from shared.db import UnitOfWork
from shared.events.catalog import CustomerChanged, PriceScheduled, ProductChanged
from shared.events.envelope import utcnow

CATALOG_CONSUMER = "storefront-gateway.channel-catalog"
CUSTOMERS_CONSUMER = "storefront-gateway.customer-directory"


async def on_catalog(
    event: ProductChanged | PriceScheduled, uow: UnitOfWork, channels: Channels
) -> None:
    async with uow:
        conn = uow.connection
        if isinstance(event, ProductChanged):
            if await repository.record_product(conn, event):
                details = event.model_dump(
                    mode="json",
                    include={
                        "title",
                        "description",
                        "barcode",
                        "weight_grams",
                        "product_code",
                        "options",
                    },
                )
                for target in channels.syncing_stock():
                    await repository.owe(conn, target.id, event.sku, "details", details)
        elif await repository.record_price(conn, event):
            await reprice(conn, channels, event.sku, utcnow())
        await uow.commit()


async def reprice(conn: asyncpg.Connection, channels: Channels, sku: str, at: datetime) -> int:
    """Owe each channel the price in force at `at`; returns how many channels changed."""
    entries = await repository.price_entries(conn, sku)
    changed = 0
    for target in channels.syncing_stock():
        currency = target.channel.currency
        entry = price_at(entries, currency, at) if currency else None
        if entry is not None:
            changed += await repository.owe(conn, target.id, sku, "price", payload(entry))
    return changed


async def record_customer(customer: CustomerChanged, uow: UnitOfWork) -> None:
    """An ERP account, with its negotiated prices and credit limit, into the read model
    that answers what a customer pays (newest revision wins)."""
    async with uow:
        await repository.upsert_customer(uow.connection, customer)
        await uow.commit()
