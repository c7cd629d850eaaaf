"""Flash demand: many channels, one scarce SKU; the ledger never oversells."""

import asyncio
import random

import httpx

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub


async def test_200_concurrent_orders_for_50_units_reserve_exactly_50(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = f"HOT-{random.randrange(10**9)}"
    await hub.set_stock(client, sku, "wh-1", 30)
    await hub.set_stock(client, sku, "wh-2", 20)
    base = random.randrange(10**11, 10**12)
    hooks = [
        signed_shopify(
            shopify_order(base + n, [Line(sku, 1, "9.99")]), hub.shop, hub.shopify_secret
        )
        if n % 2
        else signed_woocommerce(
            woocommerce_order(base + n, [Line(sku, 1, "9.99")]), hub.woo, hub.woo_secret
        )
        for n in range(200)
    ]

    responses = await asyncio.gather(*(hub.deliver(client, h) for h in hooks))

    assert {r.status_code for r in responses} == {200}
    orders = await asyncio.gather(
        *(hub.settled_order(client, r.json()["order_id"], timeout=120) for r in responses)
    )
    statuses = [o["status"] for o in orders]
    # Shopify rejects what it cannot fill; the WooCommerce channel backorders it.
    assert statuses.count("rejected") + statuses.count("backordered") == 150
    assert sum(len(o["allocations"]) for o in orders) == 50
    stock = await hub.stock(client, sku)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (50, 50, 0)
    assert all(loc["available"] == 0 for loc in stock["locations"])
