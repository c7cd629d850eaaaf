"""Only the orders that should move, move: a channel routes paid orders (its
`route_on_payment`); an authorised or pending one is held, visible with the reason and
with nothing reserved, until the channel's paid event (Shopify orders/paid or
orders/updated, WooCommerce order.updated to processing) — whichever arrives first."""

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
from tests.support.waiting import eventually

WAITING = {"awaiting_payment"}
ROUTED = {"reserved", "sent_to_fulfilment", "shipped", "delivered"}


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def test_an_authorised_shopify_order_waits_until_orders_paid(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("AUTH")
    await hub.set_stock(client, item, "wh-1", 4)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "30.00")])
    order["financial_status"] = "authorized"
    placed = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    order_id = placed.json()["order_id"]

    waiting = await hub.order_in(client, order_id, WAITING)
    assert waiting["reason"] == "waiting for payment: the channel reports it authorized"
    assert (await hub.stock(client, item))["reserved"] == 0

    still = {**order, "financial_status": "authorized", "note": "gift wrap please"}
    updated = await hub.deliver(
        client, signed_shopify(still, hub.shop, hub.shopify_secret, topic="orders/updated")
    )
    # Not paid yet: nothing moves; the note it added is taken into the waiting order.
    assert updated.json()["effects"] == {"amendment": "accepted"}, updated.text

    async def noted() -> list[str] | None:
        waiting = await hub.order_in(client, order_id, WAITING)
        return [t["detail"]["amended"] for t in waiting["timeline"] if "amended" in t["detail"]]

    assert await eventually(noted) == ["customer_note"]
    assert (await hub.stock(client, item))["reserved"] == 0
    paid = await hub.deliver(
        client,
        signed_shopify(
            {**order, "financial_status": "paid"}, hub.shop, hub.shopify_secret, topic="orders/paid"
        ),
    )
    assert paid.json()["status"] == "accepted", paid.text
    routed = await hub.order_in(client, order_id, ROUTED)
    statuses = [t["detail"].get("status") for t in routed["timeline"]]
    assert statuses.index("awaiting_payment") < statuses.index("placed", 1)
    again = await hub.deliver(
        client,
        signed_shopify(
            {**order, "financial_status": "paid"}, hub.shop, hub.shopify_secret, topic="orders/paid"
        ),
    )
    assert again.json()["status"] == "duplicate"


async def test_a_payment_that_arrives_before_its_order_routes_the_order_on_arrival(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("EARLY")
    await hub.set_stock(client, item, "wh-1", 4)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "30.00")])
    paid = {**order, "financial_status": "paid"}
    early = await hub.deliver(
        client, signed_shopify(paid, hub.shop, hub.shopify_secret, topic="orders/paid")
    )
    assert early.json()["status"] == "accepted", early.text
    pending = {**order, "financial_status": "pending"}
    placed = await hub.deliver(client, signed_shopify(pending, hub.shop, hub.shopify_secret))
    routed = await hub.order_in(client, placed.json()["order_id"], ROUTED)
    assert "awaiting_payment" not in [t["detail"].get("status") for t in routed["timeline"]]


async def test_an_on_hold_woocommerce_order_waits_until_it_is_processing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("HOLD")
    await hub.set_stock(client, item, "wh-2", 4)
    order = {
        **woocommerce_order(random.randrange(10**6, 10**7), [Line(item, 1, "15.00")]),
        "status": "on-hold",
    }
    placed = await hub.deliver(client, signed_woocommerce(order, hub.woo, hub.woo_secret))
    order_id = placed.json()["order_id"]
    waiting = await hub.order_in(client, order_id, WAITING)
    assert waiting["reason"] == "waiting for payment: the channel reports it pending"

    processing = {**order, "status": "processing", "date_modified_gmt": "2026-11-28T11:00:00"}
    paid = await hub.deliver(
        client, signed_woocommerce(processing, hub.woo, hub.woo_secret, topic="order.updated")
    )
    assert paid.json()["status"] == "accepted", paid.text
    await hub.order_in(client, order_id, ROUTED)
