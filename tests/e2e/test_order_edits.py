"""Orders the channel edits after sending them: before the parcel leaves, the 3PL's request
follows the edit; after, the edit is refused with its reason on the timeline.

Shopify sends `orders/updated` with the whole order on every change, an order edit
included; an edited line keeps its `quantity` and says what is left in
`current_quantity`, and the order's `current_*` totals follow (REST Admin API 2025-10,
Order resource; changelog "Addition of LineItem current_quantity on Admin REST API").
WooCommerce sends `order.updated` with the whole order (REST API v3 order properties)."""

import random
from typing import Any

import httpx
import pytest

from simulators.storefronts import (
    SHOPIFY_ADDRESS,
    Line,
    edited_shopify_order,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub
from tests.support.waiting import eventually

MOVED = {
    **SHOPIFY_ADDRESS,
    "address1": "1 Infinite Loop",
    "address2": None,
    "city": "Cupertino",
    "province": "California",
    "province_code": "CA",
    "zip": "95014",
}


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def updated(hub: Hub, client: httpx.AsyncClient, payload: dict[str, Any]) -> Any:
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret, topic="orders/updated")
    response = await hub.deliver(client, hook)
    assert response.status_code == 200, response.text
    return response.json()


async def placed(
    hub: Hub, client: httpx.AsyncClient, lines: list[Line]
) -> tuple[dict[str, Any], str]:
    """A Shopify order of these lines, each SKU stocked with 10 at wh-1, delivered."""
    for line in lines:
        await hub.set_stock(client, str(line.sku), "wh-1", 10)
    payload = shopify_order(random.randrange(10**11, 10**12), lines)
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    return payload, (await hub.deliver(client, hook)).json()["order_id"]


async def placed_at_3pl(
    hub: Hub, client: httpx.AsyncClient, lines: list[Line]
) -> tuple[dict[str, Any], str]:
    payload, order_id = await placed(hub, client, lines)
    await hub.order_in(client, order_id, {"sent_to_fulfilment"})
    await hub.order_at_3pl(client, order_id)
    return payload, order_id


async def live_at_3pl(hub: Hub, client: httpx.AsyncClient, order_id: str) -> list[dict[str, Any]]:
    """The fulfilment orders the 3PL still has to ship for this order (once they settle)."""
    order = await hub.order(client, order_id)
    references = {s["shipment_id"] for s in (order or {}).get("shipments", [])}
    received = (await hub.tpl_orders(client, "tpl-a"))["orders"]
    return [o for o in received if o["reference"] in references and o["status"] != "cancelled"]


def timeline_details(order: dict[str, Any], key: str) -> list[Any]:
    return [e["detail"][key] for e in order["timeline"] if key in e["detail"]]


async def test_a_new_address_before_dispatch_reaches_the_3pl(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("MOVED")
    payload, order_id = await placed_at_3pl(hub, client, [Line(item, 2, "5.00")])
    [first] = await live_at_3pl(hub, client, order_id)
    assert first["ship_to"]["city"] == "New York"

    moved = {**payload, "shipping_address": MOVED, "updated_at": "2026-11-28T11:00:00-05:00"}
    receipt = await updated(hub, client, moved)
    assert receipt["status"] == "accepted", receipt

    async def sent_again() -> list[dict[str, Any]] | None:
        live = await live_at_3pl(hub, client, order_id)
        return live if live and live[0]["reference"] != first["reference"] else None

    [again] = await eventually(sent_again)
    assert again["ship_to"]["address1"] == "1 Infinite Loop"
    assert again["ship_to"]["postal_code"] == "95014"
    assert again["lines"][0]["quantity"] == 2
    received = (await hub.tpl_orders(client, "tpl-a"))["orders"]
    assert [o["status"] for o in received if o["id"] == first["id"]] == ["cancelled"]
    stock = await hub.stock(client, item)
    assert (stock["on_hand"], stock["reserved"]) == (10, 2), stock
    order = await hub.order(client, order_id)
    assert order is not None and order["status"] == "sent_to_fulfilment"
    assert "ship_to" in timeline_details(order, "amended")[0]


async def test_fewer_units_and_a_new_line_move_the_reservation(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    mug, cup = sku("EDIT-MUG"), sku("EDIT-CUP")
    await hub.set_stock(client, cup, "wh-1", 10)
    payload, order_id = await placed_at_3pl(hub, client, [Line(mug, 3, "5.00")])

    added = {
        **payload["line_items"][0],
        "id": payload["id"] * 100 + 9,
        "sku": cup,
        "title": "Cup",
        "quantity": 1,
        "price": "4.00",
        "tax_lines": [{"title": "Tax", "price": "0.40", "rate": 0.1}],
    }
    edited = edited_shopify_order(
        {**payload, "line_items": [*payload["line_items"], added]},
        {mug: 1},
        "2026-11-28T11:00:00-05:00",
    )
    assert (await updated(hub, client, edited))["status"] == "accepted"

    async def moved() -> dict[str, int] | None:
        live = await live_at_3pl(hub, client, order_id)
        lines = {line["sku"]: line["quantity"] for o in live for line in o["lines"]}
        return lines if lines == {mug: 1, cup: 1} else None

    await eventually(moved)
    assert (await hub.stock(client, mug))["reserved"] == 1
    assert (await hub.stock(client, cup))["reserved"] == 1


@pytest.mark.usefixtures("shipping")
async def test_an_edit_after_the_parcel_left_is_refused_on_the_timeline(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("LATE-EDIT")
    payload, order_id = await placed(hub, client, [Line(item, 2, "5.00")])
    await hub.order_in(client, order_id, {"delivered"})

    late = {**payload, "shipping_address": MOVED, "updated_at": "2026-11-29T09:00:00-05:00"}
    assert (await updated(hub, client, late))["status"] == "accepted"

    async def refused() -> list[Any] | None:
        order = await hub.order(client, order_id)
        return timeline_details(order or {"timeline": []}, "amendment_refused") or None

    [reason] = await eventually(refused)
    assert "a parcel has left" in reason, reason
    stock = await hub.stock(client, item)
    assert (stock["on_hand"], stock["reserved"]) == (8, 0), stock


async def test_an_update_that_changes_nothing_or_comes_late_is_not_applied(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("SAME")
    payload, _ = await placed_at_3pl(hub, client, [Line(item, 1, "5.00")])

    # Our own fulfilment or a tag updates the order too: nothing the hub carries changed.
    tagged = {**payload, "tags": "vip", "updated_at": "2026-11-28T10:30:00-05:00"}
    same = (await updated(hub, client, tagged))["effects"]["amendment"]
    assert same == "duplicate (nothing the hub carries changed)", same

    newer = {**payload, "shipping_address": MOVED, "updated_at": "2026-11-28T12:00:00-05:00"}
    assert (await updated(hub, client, newer))["effects"]["amendment"] == "accepted"
    older = {**payload, "note": "old news", "updated_at": "2026-11-28T11:00:00-05:00"}
    late = (await updated(hub, client, older))["effects"]["amendment"]
    assert late.startswith("duplicate (older than the amendment of 2026-11-28T"), late


async def test_a_woocommerce_order_updated_with_a_new_address_reaches_the_3pl(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("WOO-MOVED")
    await hub.set_stock(client, item, "wh-2", 10)
    payload = woocommerce_order(random.randrange(10**6, 10**7), [Line(item, 1, "9.00")])
    hook = signed_woocommerce(payload, hub.woo, hub.woo_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_in(client, order_id, {"sent_to_fulfilment"})
    await hub.order_at_3pl(client, order_id)

    moved = {
        **payload,
        "shipping": {**payload["shipping"], "address_1": "Karl-Marx-Allee 90", "postcode": "10243"},
        "date_modified_gmt": "2026-11-28T11:00:00",
    }
    hook = signed_woocommerce(moved, hub.woo, hub.woo_secret, topic="order.updated")
    response = await hub.deliver(client, hook)
    assert response.status_code == 200 and response.json()["status"] == "accepted", response.text

    async def sent_again() -> dict[str, Any] | None:
        order = await hub.order(client, order_id)
        references = {s["shipment_id"] for s in (order or {}).get("shipments", [])}
        received = (await hub.tpl_orders(client, "tpl-b"))["orders"]
        live = [o for o in received if o["reference"] in references and o["status"] != "cancelled"]
        return live[0] if live and live[0]["ship_to"]["postal_code"] == "10243" else None

    again = await eventually(sent_again)
    assert again["ship_to"]["address1"] == "Karl-Marx-Allee 90"


async def test_an_order_waiting_for_payment_is_amended_in_place(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("WAIT-EDIT")
    await hub.set_stock(client, item, "wh-1", 10)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 3, "5.00")])
    pending = {**order, "financial_status": "pending"}
    delivered = await hub.deliver(client, signed_shopify(pending, hub.shop, hub.shopify_secret))
    order_id = delivered.json()["order_id"]
    await hub.order_in(client, order_id, {"awaiting_payment"})

    edited = edited_shopify_order(pending, {item: 1}, "2026-11-28T11:00:00-05:00")
    assert (await updated(hub, client, edited))["effects"]["amendment"] == "accepted"
    paid = {**edited, "financial_status": "paid", "updated_at": "2026-11-28T11:05:00-05:00"}
    hook = signed_shopify(paid, hub.shop, hub.shopify_secret, topic="orders/paid")
    assert (await hub.deliver(client, hook)).json()["status"] == "accepted"

    await hub.order_in(client, order_id, {"sent_to_fulfilment"})
    await hub.order_at_3pl(client, order_id)
    [request] = await live_at_3pl(hub, client, order_id)
    assert request["lines"][0]["quantity"] == 1
    assert (await hub.stock(client, item))["reserved"] == 1


async def test_an_edit_right_behind_its_order_is_what_ships(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The amendment may come while the ledger is still reserving the order as it was:
    that reservation moves to the amended lines before anything is sent."""
    item = sku("QUICK-EDIT")
    payload, order_id = await placed(hub, client, [Line(item, 3, "5.00")])
    edited = edited_shopify_order(payload, {item: 2}, "2026-11-28T10:01:00-05:00")
    assert (await updated(hub, client, edited))["effects"]["amendment"] == "accepted"

    async def amended_at_3pl() -> list[dict[str, Any]] | None:
        live = await live_at_3pl(hub, client, order_id)
        lines = [line["quantity"] for o in live for line in o["lines"]]
        return live if lines == [2] else None

    await eventually(amended_at_3pl)
    assert (await hub.stock(client, item))["reserved"] == 2


@pytest.mark.usefixtures("shipping")
async def test_an_edit_racing_the_dispatch_ships_one_version_and_keeps_stock_whole(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The 3PL may ship before the call-off reaches it: then the edit is refused with the
    3PL's reason and the order ships as it was; either way no unit is lost or held."""
    item = sku("RACE-EDIT")
    payload, order_id = await placed(hub, client, [Line(item, 3, "5.00")])
    await hub.order_at_3pl(client, order_id)
    edited = edited_shopify_order(payload, {item: 1}, "2026-11-28T10:01:00-05:00")
    assert (await updated(hub, client, edited))["effects"]["amendment"] == "accepted"

    async def outcome() -> tuple[int, list[Any]] | None:
        order = await hub.order(client, order_id)
        if order is None or order["status"] != "delivered":
            return None
        shipped = sum(q for s in order["shipments"] for q in s["shipped"].values())
        refusals = timeline_details(order, "amendment_refused")
        return (shipped, refusals) if refusals or shipped == 1 else None

    shipped, refusals = await eventually(outcome, timeout=40)
    assert shipped == (3 if refusals else 1), (shipped, refusals)
    # The 3PL's 409 to the call-off, its dispatch first, or the dispatch reaching the
    # router before the edit: whichever, the reason says so.
    too_late = ("could not call off", "left before its call-off", "a parcel has left")
    assert not refusals or any(words in refusals[0] for words in too_late), refusals

    async def settled() -> dict[str, Any] | None:
        stock = await hub.stock(client, item)
        return stock if (stock["on_hand"], stock["reserved"]) == (10 - shipped, 0) else None

    await eventually(settled)
