"""A point-of-sale order is fulfilled from its own store, at once: no 3PL, no shipment."""

import random

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually


def pos_order(item: str, quantity: int, location_id: int = 8801) -> dict:
    payload = shopify_order(
        random.randrange(10**11, 10**12), [Line(item, quantity, "20.00")], shipping="0.00"
    )
    return {**payload, "source_name": "pos", "location_id": location_id}


async def test_counter_sale_is_taken_from_its_own_store_and_delivered_at_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"POS-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 10)  # preferred for web orders, not this store's
    await hub.set_stock(client, item, "wh-2", 3)
    await client.put(
        hub.url("accounting-poster", f"/costs/{item}"),
        json={"currency": "USD", "cost_minor": 800},
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )

    response = await hub.deliver(
        client, signed_shopify(pos_order(item, 2), hub.shop, hub.shopify_secret)
    )

    order = await hub.order_in(client, response.json()["order_id"], {"delivered"})
    assert order["allocations"] == [{"sku": item, "location": "wh-2", "quantity": 2}]
    assert order["shipments"] == []
    stock = {
        loc["location"]: (loc["on_hand"], loc["reserved"])
        for loc in (await hub.stock(client, item))["locations"]
    }
    assert stock == {"wh-1": (10, 0), "wh-2": (1, 0)}

    async def cogs():
        entries = (
            await client.get(hub.url("accounting-poster", f"/journal?order_id={order['order_id']}"))
        ).json()
        return [e for e in entries["entries"] if e["kind"] == "cogs"] or None

    [entry] = await eventually(cogs)
    assert {line["account"]: line["debit_minor"] for line in entry["lines"]}["5000"] == 1600


async def test_counter_sale_short_at_its_store_is_rejected_not_taken_from_elsewhere(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"POSX-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.set_stock(client, item, "wh-2", 1)

    response = await hub.deliver(
        client, signed_shopify(pos_order(item, 2), hub.shop, hub.shopify_secret)
    )

    order = await hub.order_in(client, response.json()["order_id"], {"rejected"})
    assert "requested 2, available 1" in order["reason"]
    assert (await hub.stock(client, item))["reserved"] == 0
