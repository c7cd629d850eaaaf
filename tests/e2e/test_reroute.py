"""A 3PL refuses a shipment: the next location is tried, and stock never stays reserved
at the refusing one (the order is flagged only when no location can fill it)."""

import random
from typing import Any

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.e2e.test_fulfilment import DONE, assert_stock_is_its_movements, place, sku
from tests.support.hub import Hub
from tests.support.waiting import eventually


def at(stock: dict[str, Any], location: str) -> tuple[int, int]:
    [row] = [row for row in stock["locations"] if row["location"] == location]
    return row["on_hand"], row["reserved"]


async def nothing_reserved(hub: Hub, client: httpx.AsyncClient, item: str) -> dict[str, Any]:
    """The stock once the ledger has applied the release (it follows the order's flag)."""

    async def released() -> dict[str, Any] | None:
        stock = await hub.stock(client, item)
        return stock if stock["reserved"] == 0 else None

    return await eventually(released)


@pytest.mark.usefixtures("shipping")
async def test_a_refused_shipment_ships_from_the_next_location(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("REROUTE")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.set_stock(client, item, "wh-2", 10)
    await hub.tpl(client, "tpl-a", reject_next=1)

    order_id = await place(hub, client, [Line(item, 2, "5.00")])

    order = await hub.order_in(client, order_id, DONE, timeout=60)
    by_location = {s["location"]: s for s in order["shipments"]}
    assert by_location["wh-1"]["status"] == "refused"
    assert by_location["wh-2"]["shipped"] == {item: 2}
    assert by_location["wh-2"]["shipment_id"] != by_location["wh-1"]["shipment_id"]
    stock = await hub.stock(client, item)
    assert at(stock, "wh-1") == (10, 0), "nothing stays reserved where it was refused"
    assert at(stock, "wh-2") == (8, 0)
    steps = [step["detail"] for step in order["timeline"]]
    assert any("tpl-a refused" in str(d.get("refused", "")) for d in steps), steps
    assert any(d.get("rerouted_to") == "wh-2" for d in steps), steps
    await assert_stock_is_its_movements(hub, client)


@pytest.mark.usefixtures("shipping")
async def test_a_refusal_no_other_location_can_fill_flags_the_order_and_releases_its_stock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("REFUSED")
    await hub.set_stock(client, item, "wh-1", 10)
    await hub.tpl(client, "tpl-a", reject_next=1)

    order_id = await place(hub, client, [Line(item, 1, "5.00")])

    order = await hub.order_in(client, order_id, {"fulfilment_failed"})
    assert "tpl-a refused shipment" in order["reason"], order["reason"]
    assert "address cannot be served" in order["reason"]
    assert "no other location can fill it" in order["reason"]
    assert at(await nothing_reserved(hub, client, item), "wh-1") == (10, 0)
    await assert_stock_is_its_movements(hub, client)


@pytest.mark.usefixtures("shipping")
async def test_when_every_location_refuses_the_order_is_flagged_with_nothing_reserved(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("ALLREFUSE")
    await hub.set_stock(client, item, "wh-1", 5)
    await hub.set_stock(client, item, "wh-2", 5)
    await hub.tpl(client, "tpl-a", reject_next=1)
    await hub.tpl(client, "tpl-b", reject_next=1)

    order_id = await place(hub, client, [Line(item, 1, "5.00")])

    order = await hub.order_in(client, order_id, {"fulfilment_failed"})
    assert "tpl-b refused shipment" in order["reason"], order["reason"]
    assert "no other location" in order["reason"]
    assert sorted(s["status"] for s in order["shipments"]) == ["refused", "refused"]
    stock = await nothing_reserved(hub, client, item)
    assert (at(stock, "wh-1"), at(stock, "wh-2")) == ((5, 0), (5, 0))
    await assert_stock_is_its_movements(hub, client)


async def test_an_order_cancelled_after_its_reroute_gives_back_the_new_locations_stock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("REROUTECXL")
    await hub.set_stock(client, item, "wh-1", 4)
    await hub.set_stock(client, item, "wh-2", 4)
    for fulfiller in ("tpl-a", "tpl-b"):
        await hub.tpl(client, fulfiller, auto_ship=False)
    await hub.tpl(client, "tpl-a", reject_next=1)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "5.00")])
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]

    async def at_the_second_3pl() -> dict[str, Any] | None:
        order = await hub.order(client, order_id)
        sent = [s for s in (order or {}).get("shipments", []) if s["status"] == "sent"]
        return order if sent and sent[0]["location"] == "wh-2" else None

    await eventually(at_the_second_3pl)
    cancelled = {**payload, "cancelled_at": "2026-11-28T12:00:00Z", "cancel_reason": "customer"}
    response = await hub.deliver(
        client, signed_shopify(cancelled, hub.shop, hub.shopify_secret, topic="orders/cancelled")
    )
    assert response.status_code == 200, response.text

    order = await hub.order_in(client, order_id, {"cancelled"})
    assert sorted(s["status"] for s in order["shipments"]) == ["cancelled", "refused"]
    stock = await nothing_reserved(hub, client, item)
    assert (at(stock, "wh-1"), at(stock, "wh-2")) == ((4, 0), (4, 0))
    await assert_stock_is_its_movements(hub, client)
