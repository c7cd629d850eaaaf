"""Status and tracking go back to the channel in its own API shape; the customer is told."""

import json
import random

import httpx
import pytest

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def notifications(hub: Hub, order_id: str) -> list[dict]:
    return [
        json.loads(r.value)
        for r in await hub.records("customer-notifications")
        if json.loads(r.value)["order_id"] == order_id
    ]


@pytest.mark.usefixtures("shipping")
async def test_shopify_gets_a_fulfilment_with_tracking_and_the_customer_is_told(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"FB-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "8.00")])
    await hub.on_store(client, "shopify", payload)

    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    order = await hub.order_in(client, order_id, {"delivered"})

    tracking = order["shipments"][0]["tracking"][0]["tracking_number"]

    async def fulfilment():
        received = await hub.store_received(client)
        return [f for f in received["fulfillments"] if f["tracking_info"]["number"] == tracking]

    [sent] = await eventually(fulfilment)
    [group] = sent["line_items_by_fulfillment_order"]
    assert group["fulfillment_order_id"] == payload["id"] * 10 + 1
    assert group["fulfillment_order_line_items"] == [
        {"id": payload["line_items"][0]["id"] * 10, "quantity": 2}
    ]
    assert sent["tracking_info"]["company"] == "UPS"

    async def told():
        kinds = [n["kind"] for n in await notifications(hub, order_id)]
        return kinds if {"order_confirmed", "shipped", "delivered"} <= set(kinds) else None

    await eventually(told)
    shipped = next(n for n in await notifications(hub, order_id) if n["kind"] == "shipped")
    assert (shipped["tracking_number"], shipped["customer_email"]) == (
        tracking,
        "customer@crossdock.test",
    )


@pytest.mark.usefixtures("shipping")
async def test_woocommerce_gets_a_customer_note_with_tracking_and_a_completed_status(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"FBW-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 5)
    payload = woocommerce_order(random.randrange(10**11, 10**12), [Line(item, 1, "8.00")])
    await hub.on_store(client, "woocommerce", payload)

    order_id = (
        await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))
    ).json()["order_id"]
    order = await hub.order_in(client, order_id, {"delivered"})
    tracking = order["shipments"][0]["tracking"][0]["tracking_number"]

    async def noted():
        received = await hub.store_received(client)
        notes = [n for n in received["notes"] if n["order_id"] == str(payload["id"])]
        done = received["statuses"].get(str(payload["id"])) == "completed"
        return notes if notes and done else None

    [note] = await eventually(noted)
    assert tracking in note["note"] and note["customer_note"] is True


@pytest.mark.usefixtures("shipping")
async def test_an_update_the_channel_refuses_is_kept_with_the_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"FBX-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    payload = shopify_order(
        random.randrange(10**11, 10**12), [Line(item, 1, "8.00")]
    )  # not on the store

    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, {"delivered"})

    async def failed():
        updates = (
            await client.get(hub.url("storefront-gateway", "/channel-updates?status=failed"))
        ).json()
        return [u for u in updates["updates"] if u["order_id"] == order_id]

    [update] = await eventually(failed)
    assert "HTTP 404" in update["last_error"]
