"""Cancellations from the channel: before dispatch they call everything off and give the
stock back; after dispatch they are refused with the reason."""

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
from tests.support.waiting import eventually


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


def number() -> int:
    return random.randrange(10**11, 10**12)


async def place_then_cancel(
    hub: Hub, client: httpx.AsyncClient, item: str, wait_for: set[str]
) -> str:
    payload = shopify_order(number(), [Line(item, 2, "5.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, wait_for)
    cancelled = {**payload, "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "customer"}
    hook = signed_shopify(cancelled, hub.shop, hub.shopify_secret, topic="orders/cancelled")
    response = await hub.deliver(client, hook)
    assert response.status_code == 200 and response.json()["status"] == "accepted", response.text
    return str(order_id)


async def wait_stock(hub: Hub, client: httpx.AsyncClient, item: str, reserved: int) -> dict:
    stock = await hub.stock(client, item)
    for _ in range(100):
        if stock["reserved"] == reserved:
            break
        await asyncio.sleep(0.1)
        stock = await hub.stock(client, item)
    return stock


async def test_cancelled_before_dispatch_calls_off_the_3pl_and_releases_the_stock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("CXL")
    await hub.set_stock(client, item, "wh-1", 10)

    order_id = await place_then_cancel(hub, client, item, {"sent_to_fulfilment"})

    order = await hub.order_in(client, order_id, {"cancelled"})
    [shipment] = order["shipments"]
    assert shipment["status"] == "cancelled"
    at_3pl = [
        o
        for o in (await hub.tpl_orders(client, "tpl-a"))["orders"]
        if o["reference"] == shipment["shipment_id"]
    ]
    assert [o["status"] for o in at_3pl] == ["cancelled"]
    stock = await wait_stock(hub, client, item, reserved=0)
    assert (stock["on_hand"], stock["reserved"]) == (10, 0)


async def test_cancelled_right_after_placing_releases_whatever_was_reserved(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("QUICK")
    await hub.set_stock(client, item, "wh-1", 10)

    order_id = await place_then_cancel(
        hub, client, item, {"placed", "reserved", "sent_to_fulfilment"}
    )

    await hub.order_in(client, order_id, {"cancelled"})
    assert (await wait_stock(hub, client, item, reserved=0))["reserved"] == 0


async def test_cancellation_after_dispatch_is_refused_and_the_goods_expected_back(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("LATE")
    await hub.set_stock(client, item, "wh-1", 10)
    payload = shopify_order(number(), [Line(item, 2, "5.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    order = await hub.order_at_3pl(client, order_id)
    shipment_id = order["shipments"][0]["shipment_id"]
    await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}/dispatches"),
        json={
            "dispatch_id": "P1",
            "carrier": "DHL",
            "tracking_number": "T1",
            "lines": [{"sku": item, "quantity": 2}],
        },
        headers={"X-Api-Key": hub.tpl_keys["tpl-a"][1]},
    )
    await hub.order_in(client, order_id, {"shipped"})

    hook = signed_shopify(
        {**payload, "cancel_reason": "customer"},
        hub.shop,
        hub.shopify_secret,
        topic="orders/cancelled",
    )
    await hub.deliver(client, hook)

    refusals = []
    for _ in range(100):
        refusals = [
            json.loads(r.value)
            for r in await hub.records("orders")
            if json.loads(r.value).get("event_type") == "OrderCancellationRefused"
            and json.loads(r.value)["order_id"] == order_id
        ]
        if refusals:
            break
        await asyncio.sleep(0.1)
    assert "2 unit(s) left before the cancellation" in refusals[0]["reason"]
    assert "expected back as a return" in refusals[0]["reason"]
    assert refusals[0]["return_expected"] is True
    assert (await hub.order(client, order_id))["status"] == "shipped"


async def test_woocommerce_status_cancelled_cancels_the_order(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("WCXL")
    await hub.set_stock(client, item, "wh-2", 5)
    payload = woocommerce_order(number(), [Line(item, 1, "5.00")])
    order_id = (
        await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, {"sent_to_fulfilment"})

    updated = {**payload, "status": "cancelled", "date_modified_gmt": "2026-11-28T11:00:00"}
    response = await hub.deliver(
        client, signed_woocommerce(updated, hub.woo, hub.woo_secret, topic="order.updated")
    )

    assert response.json()["status"] == "accepted"
    await hub.order_in(client, order_id, {"cancelled"})
    assert (await wait_stock(hub, client, item, reserved=0))["reserved"] == 0


async def test_woocommerce_status_change_that_is_not_a_cancellation_is_ignored(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    payload = {**woocommerce_order(number(), [Line("X", 1, "5.00")]), "status": "on-hold"}

    response = await hub.deliver(
        client, signed_woocommerce(payload, hub.woo, hub.woo_secret, topic="order.updated")
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert response.json()["effects"] == {
        "amendment": f"ignored (order {payload['id']} is not one the hub has taken in)"
    }, response.text


async def _shipments(hub: Hub, client: httpx.AsyncClient, order_id: str) -> list | None:
    order = await hub.order(client, order_id)
    return (order or {}).get("shipments") or None


async def test_a_cancellation_while_the_3pl_hangs_on_the_order_calls_it_off_at_the_3pl(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The 3PL takes the order but answers only after the bridge gave up waiting: not
    knowing is not "never got it", so the cancellation must reach the 3PL, or the order
    ships after the stock was released."""
    item = sku("CXL-HANG")
    await hub.set_stock(client, item, "wh-1", 10)
    # It sits on the first request, then is unavailable a few times: the bridge is still
    # trying to learn the order's fate when the cancellation comes.
    await hub.tpl(client, "tpl-a", hang_next=1, fail_next=4, auto_ship=True, ship_delay=0.05)
    try:
        payload = shopify_order(number(), [Line(item, 2, "5.00")])
        hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
        order_id = (await hub.deliver(client, hook)).json()["order_id"]
        planned = await eventually(lambda: _shipments(hub, client, order_id))
        reference = planned[0]["shipment_id"]
        for _ in range(100):  # the create has reached the 3PL, which sits on it
            if reference in (await hub.tpl_orders(client, "tpl-a"))["requests"]:
                break
            await asyncio.sleep(0.1)
        cancelled = {**payload, "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "fraud"}
        await hub.deliver(
            client,
            signed_shopify(cancelled, hub.shop, hub.shopify_secret, topic="orders/cancelled"),
        )
        await hub.order_in(client, order_id, {"cancelled"}, timeout=30)
        await asyncio.sleep(32)  # the 3PL wakes up and answers the hung request

        at_3pl = [
            o
            for o in (await hub.tpl_orders(client, "tpl-a"))["orders"]
            if o["reference"] == reference
        ]
        assert at_3pl and all(o["status"] == "cancelled" for o in at_3pl), at_3pl
        stock = await hub.stock(client, item)
        assert (stock["on_hand"], stock["reserved"]) == (10, 0)
    finally:
        await hub.tpl(client, "tpl-a", auto_ship=False, hang_next=0, fail_next=0)


async def test_a_cancellation_that_arrives_before_its_order_cancels_it_on_arrival(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("FIRSTCANCEL")
    await hub.set_stock(client, item, "wh-1", 4)
    payload = shopify_order(number(), [Line(item, 1, "5.00")])
    cancelled = {**payload, "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "fraud"}
    first = await hub.deliver(
        client, signed_shopify(cancelled, hub.shop, hub.shopify_secret, topic="orders/cancelled")
    )
    assert first.json()["status"] == "accepted", first.text
    placed = await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    order = await hub.order_in(client, placed.json()["order_id"], {"cancelled"})
    assert order["reason"] == "fraud"
    assert (await hub.stock(client, item))["reserved"] == 0
    letters = (await client.get(hub.url("order-router", "/dead-letters"))).json()
    assert not [x for x in letters["letters"] if placed.json()["order_id"] in str(x)]
