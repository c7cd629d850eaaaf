"""A cancellation that raced the dispatch: what left is expected back as a return, what
had not left is called off, and the channel's own order says so.

Shopify refuses to cancel an order once it has a fulfilment (shopify.dev changelog,
"Fulfilled and partially-fulfilled orders can no longer be canceled by using the Order
resource", 2018-03-01): a cancellation still comes when the merchant cancels before
Shopify hears of the parcel — the race these tests stage."""

import random
from typing import Any

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def cancel(hub: Hub, client: httpx.AsyncClient, payload: dict[str, Any]) -> None:
    cancelled = {**payload, "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "customer"}
    hook = signed_shopify(cancelled, hub.shop, hub.shopify_secret, topic="orders/cancelled")
    response = await hub.deliver(client, hook)
    assert response.status_code == 200 and response.json()["status"] == "accepted", response.text


async def returns_of(hub: Hub, client: httpx.AsyncClient, fulfiller: str, order_id: str) -> Any:
    """The returns announced to the 3PL for the order's shipments."""
    headers = {"X-Api-Key": hub.tpl_keys[fulfiller][1]}
    order = await hub.order(client, order_id)
    assert order is not None
    shipments = {s["shipment_id"] for s in order["shipments"]}

    async def announced() -> list[dict[str, Any]] | None:
        answer = await client.get(hub.url("shipping-bridge", "/3pl/v1/returns"), headers=headers)
        found = [r for r in answer.json()["returns"] if r["shipment_id"] in shipments]
        return found or None

    return await eventually(announced)


async def tags_on_the_store(hub: Hub, client: httpx.AsyncClient, ref: str) -> str:
    async def tagged() -> str | None:
        return (await hub.store_received(client))["tags"].get(ref)

    return await eventually(tagged)


@pytest.mark.usefixtures("shipping")
async def test_cancelled_after_it_shipped_the_goods_are_expected_back_and_shopify_is_told(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("RACED")
    await hub.set_stock(client, item, "wh-1", 10)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "5.00")])
    await hub.on_store(client, "shopify", payload)
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_in(client, order_id, {"delivered"})

    await cancel(hub, client, payload)

    [expected] = await returns_of(hub, client, "tpl-a", order_id)
    assert expected["lines"] == {item: 2}
    tags = await tags_on_the_store(hub, client, str(payload["id"]))
    assert tags == "crossdock-shipped-before-cancel, crossdock-return-expected", tags
    order = await hub.order(client, order_id)
    assert order is not None and order["status"] == "delivered", "the goods did leave"
    refused = [e["detail"].get("refused", "") for e in order["timeline"]]
    assert any("2 unit(s) left before the cancellation" in r for r in refused), refused
    receipt = await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/returns/{expected['return_id']}/receipt"),
        json={"lines": [{"sku": item, "quantity": 2, "condition": "sellable"}]},
        headers={"X-Api-Key": hub.tpl_keys["tpl-a"][1]},
    )
    assert receipt.status_code == 201, receipt.text
    await hub.order_in(client, order_id, {"returned"})


@pytest.mark.usefixtures("shipping")
async def test_cancelled_when_part_has_shipped_the_rest_is_called_off_and_released(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    east, west = sku("LEFT"), sku("STAYED")
    await hub.set_stock(client, east, "wh-1", 5)
    await hub.set_stock(client, west, "wh-2", 5)
    await hub.tpl(client, "tpl-b", auto_ship=False)  # wh-2's half never leaves by itself
    payload = shopify_order(
        random.randrange(10**11, 10**12), [Line(east, 1, "5.00"), Line(west, 1, "5.00")]
    )
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_in(client, order_id, {"partially_shipped"})

    await cancel(hub, client, payload)

    [expected] = await returns_of(hub, client, "tpl-a", order_id)
    assert expected["lines"] == {east: 1}
    order = await hub.order_in(client, order_id, {"shipped", "delivered"})
    statuses = {s["location"]: s["status"] for s in order["shipments"]}
    assert statuses["wh-2"] == "cancelled", statuses

    async def released() -> dict[str, Any] | None:
        stock = await hub.stock(client, west)
        return stock if stock["reserved"] == 0 else None

    assert (await eventually(released))["on_hand"] == 5


@pytest.mark.usefixtures("shipping")
async def test_cancelled_between_two_parcels_the_3pl_stops_the_rest(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """One shipment, two parcels: the cancellation reaches the 3PL after the first left.
    It stops the second (`cancelled_lines`, docs/3pl-api.md); the shipment is what left,
    the rest's stock is given back, what left is expected back."""
    item = sku("HALF")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.tpl(client, "tpl-a", split=True, ship_delay=1.5)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 4, "5.00")])
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_in(client, order_id, {"partially_shipped"}, timeout=30)

    await cancel(hub, client, payload)

    [expected] = await returns_of(hub, client, "tpl-a", order_id)
    assert expected["lines"] == {item: 2}

    async def stopped() -> dict[str, Any] | None:
        stock = await hub.stock(client, item)
        return stock if (stock["on_hand"], stock["reserved"]) == (8, 0) else None

    await eventually(stopped)
    order = await hub.order_in(client, order_id, {"delivered"}, timeout=30)
    [shipment] = order["shipments"]
    assert shipment["lines"] == shipment["shipped"] == {item: 2}, shipment
    called_off = [
        e["detail"]["called_off"] for e in order["timeline"] if "called_off" in e["detail"]
    ]
    assert called_off == ["2 unit(s) not yet shipped"], order["timeline"]
    [at_3pl] = [
        o
        for o in (await hub.tpl_orders(client, "tpl-a"))["orders"]
        if o["reference"] == shipment["shipment_id"]
    ]
    assert at_3pl["cancelled_lines"] == [{"sku": item, "quantity": 2}]
