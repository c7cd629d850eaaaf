"""A channel that backorders: an order short of stock waits, and is reserved as soon as
stock arrives — still never more than there is."""

import asyncio
import random

import httpx

from simulators.storefronts import Line, signed_woocommerce, woocommerce_order
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def test_short_order_waits_and_is_reserved_when_stock_arrives(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"BACK-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 1)
    payload = woocommerce_order(random.randrange(10**11, 10**12), [Line(item, 3, "7.00")])
    order_id = (
        await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))
    ).json()["order_id"]

    waiting = await hub.order_in(client, order_id, {"backordered"})
    assert "requested 3, available 1" in waiting["reason"]

    await hub.set_stock(client, item, "wh-2", 5)

    order = await hub.order_in(client, order_id, {"sent_to_fulfilment"})
    assert order["allocations"] == [{"sku": item, "location": "wh-2", "quantity": 3}]
    assert (await hub.stock(client, item))["reserved"] == 3


async def test_two_backordered_orders_take_only_what_arrives(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"BACK2-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 0)
    ids = []
    for _ in range(2):
        payload = woocommerce_order(random.randrange(10**11, 10**12), [Line(item, 2, "7.00")])
        response = await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))
        ids.append(response.json()["order_id"])
    for order_id in ids:
        await hub.order_in(client, order_id, {"backordered"})

    await hub.set_stock(client, item, "wh-2", 3)

    async def one_reserved():
        orders = [await hub.order(client, order_id) for order_id in ids]
        done = [o for o in orders if o and o["status"] == "sent_to_fulfilment"]
        return done or None

    await eventually(one_reserved)
    await asyncio.sleep(1)  # give the other one every chance to (wrongly) get stock too
    statuses = sorted([(await hub.order(client, order_id))["status"] for order_id in ids])
    assert statuses == ["backordered", "sent_to_fulfilment"], "1 unit left for an order of 2"
    assert (await hub.stock(client, item))["reserved"] == 2
