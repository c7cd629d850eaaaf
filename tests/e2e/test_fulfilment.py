"""Orders go to their 3PLs, ship (whole, split, in parts), and stock follows."""

import random

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually

DONE = {"delivered"}


async def place(hub: Hub, client: httpx.AsyncClient, lines: list[Line]) -> str:
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), lines), hub.shop, hub.shopify_secret
    )
    response = await hub.deliver(client, hook)
    assert response.status_code == 200, response.text
    return str(response.json()["order_id"])


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def assert_stock_is_its_movements(hub: Hub, client: httpx.AsyncClient) -> None:
    audit = (await client.get(hub.url("inventory-ledger", "/stock-audit"))).json()
    assert audit == {"consistent": True, "mismatches": []}


@pytest.mark.usefixtures("shipping")
async def test_order_reaches_the_3pl_ships_and_commits_the_stock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("SHIP")
    await hub.set_stock(client, item, "wh-1", 10)

    order_id = await place(hub, client, [Line(item, 2, "5.00")])

    order = await hub.order_in(client, order_id, DONE)
    [shipment] = order["shipments"]
    assert (shipment["fulfiller"], shipment["lines"], shipment["shipped"]) == (
        "tpl-a",
        {item: 2},
        {item: 2},
    )
    assert shipment["tracking"][0]["carrier"] == "UPS"
    received = [
        o
        for o in (await hub.tpl_orders(client, "tpl-a"))["orders"]
        if o["reference"] == shipment["shipment_id"]
    ]
    assert len(received) == 1
    statuses = [t["detail"]["status"] for t in order["timeline"] if "status" in t["detail"]]
    assert statuses == ["reserved", "sent_to_fulfilment", "shipped", "delivered"]

    stock = await hub.stock(client, item)
    assert (stock["on_hand"], stock["reserved"]) == (8, 0)
    await assert_stock_is_its_movements(hub, client)


@pytest.mark.usefixtures("shipping")
async def test_order_split_across_two_locations_ships_from_both_3pls(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    east, west = sku("EAST"), sku("WEST")
    await hub.set_stock(client, east, "wh-1", 5)
    await hub.set_stock(client, west, "wh-2", 5)

    order_id = await place(hub, client, [Line(east, 1, "5.00"), Line(west, 3, "5.00")])

    order = await hub.order_in(client, order_id, DONE)
    assert sorted((s["location"], s["fulfiller"]) for s in order["shipments"]) == [
        ("wh-1", "tpl-a"),
        ("wh-2", "tpl-b"),
    ]
    assert {s["tracking"][0]["tracking_number"] for s in order["shipments"]}.__len__() == 2
    assert (await hub.stock(client, east))["on_hand"] == 4
    assert (await hub.stock(client, west))["on_hand"] == 2
    await assert_stock_is_its_movements(hub, client)


@pytest.mark.usefixtures("shipping")
async def test_partial_shipment_followed_by_the_rest(hub: Hub, client: httpx.AsyncClient) -> None:
    item = sku("PART")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.tpl(client, "tpl-a", split=True)

    order_id = await place(hub, client, [Line(item, 4, "5.00")])

    order = await hub.order_in(client, order_id, DONE)
    statuses = [t["detail"].get("status") for t in order["timeline"]]
    assert statuses.index("partially_shipped") < statuses.index("shipped")
    [shipment] = order["shipments"]
    assert len(shipment["tracking"]) == 2
    assert shipment["shipped"] == {item: 4}
    assert (await hub.stock(client, item))["on_hand"] == 6


@pytest.mark.usefixtures("shipping")
async def test_3pl_that_fails_and_times_out_then_recovers_gets_the_shipment_exactly_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("FLAKY")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.tpl(client, "tpl-a", fail_next=2, hang_next=1)

    order_id = await place(hub, client, [Line(item, 1, "5.00")])

    order = await hub.order_in(client, order_id, DONE, timeout=60)
    reference = order["shipments"][0]["shipment_id"]
    seen = await hub.tpl_orders(client, "tpl-a")
    assert seen["requests"].count(reference) >= 4, "two 503s, one timeout, then success"
    assert [o["reference"] for o in seen["orders"]].count(reference) == 1
    assert (await hub.stock(client, item))["on_hand"] == 9


@pytest.mark.usefixtures("shipping")
async def test_callbacks_a_3pl_lost_are_recovered_from_its_status_api(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The 3PL acknowledges, ships and delivers, and none of its callbacks arrives: the
    bridge, finding the shipment quiet, asks the 3PL and records what it shipped."""
    item = sku("LOST")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.tpl(client, "tpl-a", lose_callbacks=3)
    try:
        order_id = await place(hub, client, [Line(item, 3, "5.00")])
        order = await hub.order_in(client, order_id, DONE, timeout=60)
    finally:
        await hub.tpl(client, "tpl-a", lose_callbacks=0)
    [shipment] = order["shipments"]
    assert shipment["shipped"] == {item: 3}
    assert shipment["tracking"][0]["tracking_number"].startswith("1Z")

    # The ledger reads the dispatch on its own, not after the router: wait for it.
    async def dispatched() -> bool:
        stock = await hub.stock(client, item)
        return (stock["on_hand"], stock["reserved"]) == (7, 0)

    assert await eventually(dispatched, timeout=20), "the dispatch reached the ledger"
    await assert_stock_is_its_movements(hub, client)
    log = (hub.workdir / "shipping-bridge.log").read_text()
    assert '"event": "recovered what a 3PL had not reported"' in log
