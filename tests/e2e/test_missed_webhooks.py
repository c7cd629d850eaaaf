"""No order lost when a channel's webhooks go quiet: its orders are read back from its
API (Shopify orders.json by updated_at_min and cursor pages, WooCommerce orders by
modified_after) and each the hub never received is taken in once, as its webhook would
have been; a webhook that arrives after all is a duplicate."""

import random

import httpx

from simulators.storefronts import (
    Line,
    edited_shopify_order,
    shopify_order,
    signed_shopify,
    woocommerce_order,
)
from tests.support.hub import Hub
from tests.support.waiting import eventually

SETTLED = {"reserved", "sent_to_fulfilment", "backordered", "rejected"}


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def reconcile(hub: Hub, client: httpx.AsyncClient, channel: str, **params: str) -> dict:
    response = await client.post(
        hub.url("storefront-gateway", "/orders/reconcile"),
        params={"channel": channel, "since": "2026-11-01T00:00:00Z", **params},
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert response.status_code == 200, response.text
    [report] = response.json()["channels"]
    return dict(report)


async def test_shopify_orders_whose_webhooks_never_came_are_taken_in_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("MISSED")
    await hub.set_stock(client, item, "wh-1", 10)
    missed = [
        shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "7.00")]) for _ in range(3)
    ]
    cancelled = {**missed[2], "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "customer"}
    for order in [*missed[:2], cancelled]:
        await hub.on_store(client, "shopify", order)

    dry = await reconcile(hub, client, "shopify-test", dry_run="true")
    mine = {str(o["id"]) for o in missed}
    assert mine <= set(dry["taken_in"]) and dry["webhooks_silent"]
    assert not [o for o in mine if await hub.order(client, hub.order_id("shopify-test", o))]

    report = await reconcile(hub, client, "shopify-test")
    assert mine <= set(report["taken_in"]) and report["webhooks_silent"]
    for order in missed[:2]:
        await hub.order_in(client, hub.order_id("shopify-test", str(order["id"])), SETTLED)
    # The third was cancelled at the store before anyone heard of it: taken in, then off.
    await hub.order_in(client, hub.order_id("shopify-test", str(missed[2]["id"])), {"cancelled"})

    again = await reconcile(hub, client, "shopify-test")
    assert not mine & set(again["taken_in"])
    late = await hub.deliver(client, signed_shopify(missed[0], hub.shop, hub.shopify_secret))
    assert late.json()["status"] == "duplicate"
    stock = await hub.stock(client, item)
    assert stock["reserved"] == 2, stock  # the two that stand, each once


async def test_a_woocommerce_order_its_webhook_missed_is_taken_in(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("WMISSED")
    await hub.set_stock(client, item, "wh-2", 5)
    order = woocommerce_order(random.randrange(10**6, 10**7), [Line(item, 1, "9.00")])
    order["date_modified_gmt"] = "2026-11-28T10:30:00"
    await hub.on_store(client, "woocommerce", order)
    report = await reconcile(hub, client, "woo-test")
    assert str(order["id"]) in report["taken_in"]
    await hub.order_in(client, hub.order_id("woo-test", str(order["id"])), SETTLED)


async def test_an_edit_whose_orders_updated_never_came_is_read_back_and_applied(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("MISSED-EDIT")
    await hub.set_stock(client, item, "wh-1", 10)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 3, "7.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, SETTLED)
    edited = edited_shopify_order(order, {item: 1}, "2026-11-28T11:00:00-05:00")
    await hub.on_store(client, "shopify", edited)

    report = await reconcile(hub, client, "shopify-test")
    assert str(order["id"]) in report["amended"], report
    again = await reconcile(hub, client, "shopify-test")
    assert str(order["id"]) not in again["amended"], "one modification, one amendment"

    async def moved() -> dict | None:
        stock = await hub.stock(client, item)
        return stock if stock["reserved"] == 1 else None

    await eventually(moved)
