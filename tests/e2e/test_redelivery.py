"""A platform's retry of a delivery changes nothing; a different event is never a retry."""

import asyncio
import json
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


async def test_same_webhook_three_times_concurrently_yields_one_order_and_one_reservation(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = f"DUP-{random.randrange(10**9)}"
    await hub.set_stock(client, sku, "wh-1", 10)
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line(sku, 2, "4.00")]),
        hub.shop,
        hub.shopify_secret,
    )

    responses = await asyncio.gather(*(hub.deliver(client, hook) for _ in range(3)))

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert sorted(r.json()["status"] for r in responses) == ["accepted", "duplicate", "duplicate"]
    order_id = responses[0].json()["order_id"]
    assert {r.json()["order_id"] for r in responses} == {order_id}
    order = await hub.settled_order(client, order_id)
    assert order["status"] != "rejected"
    assert (await hub.stock(client, sku))["reserved"] == 2
    placed = [
        r
        for r in await hub.records("storefront-orders")
        if json.loads(r.value)["order_id"] == order_id
    ]
    assert len(placed) == 1


async def test_woocommerce_retry_with_a_new_delivery_id_is_still_a_redelivery(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    payload = woocommerce_order(random.randrange(10**11, 10**12), [Line("ANY", 1, "1.00")])
    first = signed_woocommerce(payload, hub.woo, hub.woo_secret)
    retry = signed_woocommerce(payload, hub.woo, hub.woo_secret)
    assert first.headers["X-WC-Webhook-Delivery-ID"] != retry.headers["X-WC-Webhook-Delivery-ID"]

    statuses = [(await hub.deliver(client, h)).json()["status"] for h in (first, retry)]

    assert statuses == ["accepted", "duplicate"]


async def test_a_different_shopify_event_is_not_mistaken_for_a_redelivery(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    first = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line("A", 1, "1.00")]),
        hub.shop,
        hub.shopify_secret,
    )
    other = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line("A", 1, "1.00")]),
        hub.shop,
        hub.shopify_secret,
    )

    statuses = [(await hub.deliver(client, h)).json()["status"] for h in (first, other)]

    assert statuses == ["accepted", "accepted"]
