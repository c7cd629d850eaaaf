"""Refunds from the channel reverse exactly what they refund in the books; goods that come
back are expected at the 3PL that shipped them and restocked (or written off) on receipt."""

import json
import random

import httpx
import pytest

from simulators.refund_payloads import (
    shopify_refund,
    woocommerce_refund,
    woocommerce_refunded_action,
)
from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def delivered_order(hub: Hub, client: httpx.AsyncClient, item: str) -> tuple[dict, str]:
    await hub.set_stock(client, item, "wh-1", 10)
    await client.put(
        hub.url("accounting-poster", f"/costs/{item}"),
        json={"currency": "USD", "cost_minor": 500},
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    payload = shopify_order(
        random.randrange(10**11, 10**12), [Line(item, 3, "19.99")], shipping="5.00", tax_rate="0.10"
    )
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, {"delivered"})
    return payload, order_id


async def refund(hub: Hub, client: httpx.AsyncClient, payload: dict, body: dict) -> httpx.Response:
    hook = signed_shopify(body, hub.shop, hub.shopify_secret, topic="refunds/create")
    return await hub.deliver(client, hook)


async def refund_entry(hub: Hub, client: httpx.AsyncClient, order_id: str) -> dict:
    async def found():
        entries = (
            await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
        ).json()["entries"]
        return next((e for e in entries if e["kind"] == "refund"), None)

    entry = await eventually(found)
    return {line["account"]: (line["debit_minor"], line["credit_minor"]) for line in entry["lines"]}


def as_3pl(hub: Hub) -> dict[str, str]:
    return {"X-Api-Key": hub.tpl_keys["tpl-a"][1]}


@pytest.mark.usefixtures("shipping")
async def test_partial_refund_with_return_reverses_to_the_cent_and_restocks(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"RFD-{random.randrange(10**9)}"
    payload, order_id = await delivered_order(hub, client, item)

    response = await refund(
        hub, client, payload, shopify_refund(payload, random.randrange(10**9), [(0, 1, "return")])
    )

    assert response.json()["status"] == "accepted", response.text
    # 1 of 3 units: 19.99 goods, tax 6.00 x 1/3 = 2.00
    assert await refund_entry(hub, client, order_id) == {
        "4000": (1999, 0),
        "2200": (200, 0),
        "1100": (0, 2199),
    }

    async def expected():
        returns = (
            await client.get(hub.url("shipping-bridge", "/3pl/v1/returns"), headers=as_3pl(hub))
        ).json()
        return [r for r in returns["returns"] if r["lines"] == {item: 1}]

    [expected_return] = await eventually(expected)
    receipt = await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/returns/{expected_return['return_id']}/receipt"),
        json={"lines": [{"sku": item, "quantity": 1, "condition": "sellable"}]},
        headers=as_3pl(hub),
    )
    assert receipt.status_code == 201

    order = await hub.order_in(client, order_id, {"returned"})
    assert order["status"] == "returned"

    async def restocked():
        stock = await hub.stock(client, item)
        return stock if stock["on_hand"] == 8 else None

    assert (await eventually(restocked))["reserved"] == 0

    async def cost_back():
        entries = (
            await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
        ).json()
        cogs = [
            {line["account"]: (line["debit_minor"], line["credit_minor"]) for line in e["lines"]}
            for e in entries["entries"]
            if e["kind"] == "cogs"
        ]
        return cogs if len(cogs) == 2 else None

    assert await eventually(cost_back) == [
        {"5000": (1500, 0), "1300": (0, 1500)},  # 3 shipped at 5.00
        {"5000": (0, 500), "1300": (500, 0)},  # 1 back on the shelf
    ]


@pytest.mark.usefixtures("shipping")
async def test_refund_without_restock_touches_only_the_books(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"RFN-{random.randrange(10**9)}"
    payload, order_id = await delivered_order(hub, client, item)

    body = shopify_refund(payload, random.randrange(10**9), [(0, 2, "no_restock")], shipping="5.00")
    await refund(hub, client, payload, body)

    # 2 of 3 units: 39.98 goods, tax 6.00 x 2/3 = 4.00, shipping 5.00
    assert await refund_entry(hub, client, order_id) == {
        "4000": (3998, 0),
        "4100": (500, 0),
        "2200": (400, 0),
        "1100": (0, 4898),
    }
    returns = (
        await client.get(hub.url("shipping-bridge", "/3pl/v1/returns"), headers=as_3pl(hub))
    ).json()
    assert not [r for r in returns["returns"] if item in r["lines"]]
    assert (await hub.stock(client, item))["on_hand"] == 7
    notices = [json.loads(r.value) for r in await hub.records("customer-notifications")]
    assert any(n["order_id"] == order_id and n["kind"] == "refunded" for n in notices)


@pytest.mark.usefixtures("shipping")
async def test_a_damaged_return_is_written_off_not_restocked(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"RFW-{random.randrange(10**9)}"
    payload, order_id = await delivered_order(hub, client, item)
    await refund(
        hub, client, payload, shopify_refund(payload, random.randrange(10**9), [(0, 1, "return")])
    )

    async def expected():
        returns = (
            await client.get(hub.url("shipping-bridge", "/3pl/v1/returns"), headers=as_3pl(hub))
        ).json()
        return [r for r in returns["returns"] if r["lines"] == {item: 1}]

    [expected_return] = await eventually(expected)
    url = hub.url("shipping-bridge", f"/3pl/v1/returns/{expected_return['return_id']}/receipt")
    too_many = await client.post(
        url,
        json={"lines": [{"sku": item, "quantity": 2, "condition": "damaged"}]},
        headers=as_3pl(hub),
    )
    first = await client.post(
        url,
        json={"lines": [{"sku": item, "quantity": 1, "condition": "damaged"}]},
        headers=as_3pl(hub),
    )
    again = await client.post(
        url,
        json={"lines": [{"sku": item, "quantity": 1, "condition": "damaged"}]},
        headers=as_3pl(hub),
    )

    assert too_many.status_code == 422
    assert (first.status_code, again.status_code, again.json()["recorded"]) == (201, 200, False)
    await hub.order_in(client, order_id, {"returned"})
    assert (await hub.stock(client, item))["on_hand"] == 7


async def test_a_refund_that_does_not_add_up_is_quarantined(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    payload = shopify_order(random.randrange(10**11, 10**12), [Line("ANY", 1, "10.00")])
    body = shopify_refund(payload, random.randrange(10**9), [(0, 1, "no_restock")])
    body["transactions"][0]["amount"] = "99.99"

    response = await refund(hub, client, payload, body)

    assert response.json()["status"] == "quarantined"
    assert "refund does not reconcile" in response.json()["reason"]


async def test_woocommerce_refund_is_fetched_from_the_store_and_booked_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"WRF-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 10)
    payload = woocommerce_order(
        random.randrange(10**11, 10**12), [Line(item, 2, "15.00")], shipping="4.90"
    )
    await hub.on_store(client, "woocommerce", payload)
    order_id = (
        await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))
    ).json()["order_id"]
    await hub.order_in(client, order_id, {"sent_to_fulfilment"})
    refund = woocommerce_refund(payload, random.randrange(10**9), [(0, 1)], shipping="4.90")
    await client.post(
        hub.url("storefront-api", f"/_refunds/woocommerce/{payload['id']}"), json=refund
    )
    action = signed_woocommerce(
        woocommerce_refunded_action(payload["id"]),
        hub.woo,
        hub.woo_secret,
        topic="action.woocommerce_order_refunded",
    )

    first = await hub.deliver(client, action)
    again = await hub.deliver(client, action)

    assert first.json()["status"] == "accepted", first.text
    assert again.json()["status"] == "duplicate"
    assert await refund_entry(hub, client, order_id) == {
        "4000": (1500, 0),
        "4100": (490, 0),
        "1100": (0, 1990),
    }
