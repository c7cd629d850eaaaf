"""The 3PL API as a 3PL developer meets it: keys, scoping, idempotency, no going back."""

import random
import uuid

import httpx

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub


async def pending_shipment(
    hub: Hub, client: httpx.AsyncClient, quantity: int = 2
) -> tuple[str, str]:
    """A shipment assigned to tpl-a (which, in manual mode, ships nothing by itself)."""
    item = f"API-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 10)
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line(item, quantity, "1.00")]),
        hub.shop,
        hub.shopify_secret,
    )
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    order = await hub.order_at_3pl(client, order_id)
    return order["shipments"][0]["shipment_id"], item


def as_3pl(hub: Hub, fulfiller: str) -> dict[str, str]:
    return {"X-Api-Key": hub.tpl_keys[fulfiller][1]}


def dispatch(item: str, quantity: int, parcel: str = "P1") -> dict[str, object]:
    return {
        "dispatch_id": parcel,
        "carrier": "DHL",
        "tracking_number": f"TRK-{parcel}",
        "lines": [{"sku": item, "quantity": quantity}],
    }


async def test_a_3pl_cannot_see_or_touch_another_3pls_shipment(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    shipment_id, item = await pending_shipment(hub, client)
    url = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}")

    mine = await client.get(url, headers=as_3pl(hub, "tpl-a"))
    theirs = await client.get(url, headers=as_3pl(hub, "tpl-b"))
    touched = await client.post(
        f"{url}/dispatches", json=dispatch(item, 2), headers=as_3pl(hub, "tpl-b")
    )

    assert mine.status_code == 200 and mine.json()["lines"] == {item: 2}
    assert theirs.status_code == 404
    assert touched.status_code == 404


async def test_calls_without_a_valid_key_are_refused(hub: Hub, client: httpx.AsyncClient) -> None:
    url = hub.url("shipping-bridge", f"/3pl/v1/shipments/{uuid.uuid4()}")

    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers={"X-Api-Key": "guess"})).status_code == 401


async def test_a_repeated_dispatch_report_changes_nothing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    shipment_id, item = await pending_shipment(hub, client)
    url = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}/dispatches")

    first = await client.post(url, json=dispatch(item, 2), headers=as_3pl(hub, "tpl-a"))
    again = await client.post(url, json=dispatch(item, 2), headers=as_3pl(hub, "tpl-a"))

    assert (first.status_code, first.json()["recorded"]) == (201, True)
    assert (again.status_code, again.json()["recorded"]) == (200, False)
    stock = await hub.stock(client, item)
    for _ in range(50):
        if stock["on_hand"] == 8:
            break
        stock = await hub.stock(client, item)
    assert (stock["on_hand"], stock["reserved"]) == (8, 0), "committed once"


async def test_shipping_more_than_requested_is_refused_with_the_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    shipment_id, item = await pending_shipment(hub, client, quantity=2)
    url = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}/dispatches")

    over = await client.post(url, json=dispatch(item, 3), headers=as_3pl(hub, "tpl-a"))
    stranger = await client.post(
        url, json=dispatch("NOT-IN-IT", 1, "P2"), headers=as_3pl(hub, "tpl-a")
    )

    assert over.status_code == 422 and "exceeds the 2 requested" in over.json()["detail"]
    assert stranger.status_code == 422 and "not part of this shipment" in stranger.json()["detail"]


async def test_late_and_contradictory_updates_never_move_a_shipment_back(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    shipment_id, item = await pending_shipment(hub, client)
    base = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}")
    headers = as_3pl(hub, "tpl-a")

    early = await client.post(f"{base}/delivery", headers=headers)
    await client.post(f"{base}/dispatches", json=dispatch(item, 2), headers=headers)
    delivered = await client.post(f"{base}/delivery", headers=headers)
    late_ack = await client.post(f"{base}/acknowledgement", headers=headers)

    assert early.status_code == 422, "delivered before dispatched"
    assert delivered.json()["status"] == "delivered"
    assert late_ack.json()["status"] == "delivered"
    assert (await client.get(base, headers=headers)).json()["status"] == "delivered"


async def test_the_3pl_api_is_documented_in_openapi(hub: Hub, client: httpx.AsyncClient) -> None:
    spec = (await client.get(hub.url("shipping-bridge", "/openapi.json"))).json()

    paths = set(spec["paths"])
    assert {
        "/3pl/v1/shipments/{shipment_id}/dispatches",
        "/3pl/v1/shipments/{shipment_id}/delivery",
        "/3pl/v1/shipments/{shipment_id}/acknowledgement",
        "/3pl/v1/shipments/{shipment_id}/exceptions",
    } <= paths


async def test_a_return_nobody_announced_is_recorded_restocked_and_shown_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"UNASKED-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 10)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 3, "2.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    [shipment] = (await hub.order_at_3pl(client, order_id))["shipments"]
    base = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment['shipment_id']}")
    shipped = await client.post(
        f"{base}/dispatches", json=dispatch(item, 3, "U1"), headers=as_3pl(hub, "tpl-a")
    )
    assert shipped.status_code == 201, shipped.text
    await hub.order_in(client, order_id, {"shipped"})

    url = hub.url("shipping-bridge", "/3pl/v1/returns")
    back = {
        "report_id": f"RMA-{uuid.uuid4().hex[:8]}",
        "order_name": order["name"],
        "lines": [
            {"sku": item, "quantity": 1, "condition": "sellable"},
            {"sku": item, "quantity": 1, "condition": "damaged"},
        ],
    }
    other = await client.post(url, json=back, headers=as_3pl(hub, "tpl-b"))
    assert other.status_code == 404  # not a shipment of tpl-b's
    first = await client.post(url, json=back, headers=as_3pl(hub, "tpl-a"))
    assert first.status_code == 201, first.text
    again = await client.post(url, json=back, headers=as_3pl(hub, "tpl-a"))
    assert again.status_code == 200 and again.json()["recorded"] is False
    too_many = {
        **back,
        "report_id": "RMA-more",
        "lines": [{"sku": item, "quantity": 2, "condition": "sellable"}],
    }
    refused = await client.post(url, json=too_many, headers=as_3pl(hub, "tpl-a"))
    assert refused.status_code == 422 and "expected" in refused.text

    returned = await hub.order_in(client, order_id, {"returned"})
    assert returned["status"] == "returned"
    stock = await hub.stock(client, item)
    assert stock["on_hand"] == 10 - 3 + 1  # the sellable unit is back; the damaged one is not


async def test_a_woocommerce_order_is_returned_by_its_order_number(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """A 3PL names the order as the customer's packing slip does: WooCommerce's `#number`."""
    item = f"WOORET-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 10)
    order = woocommerce_order(random.randrange(10**6, 10**7), [Line(item, 2, "4.00")])
    hook = signed_woocommerce(order, hub.woo, hub.woo_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    [shipment] = (await hub.order_at_3pl(client, order_id))["shipments"]
    fulfiller = shipment["fulfiller"]
    base = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment['shipment_id']}")
    shipped = await client.post(
        f"{base}/dispatches", json=dispatch(item, 2, "W1"), headers=as_3pl(hub, fulfiller)
    )
    assert shipped.status_code == 201, shipped.text
    await hub.order_in(client, order_id, {"shipped"})

    back = {
        "report_id": f"RMA-{uuid.uuid4().hex[:8]}",
        "order_name": f"#{order['number']}",
        "lines": [{"sku": item, "quantity": 2, "condition": "sellable"}],
    }
    url = hub.url("shipping-bridge", "/3pl/v1/returns")
    recorded = await client.post(url, json=back, headers=as_3pl(hub, fulfiller))
    assert recorded.status_code == 201, recorded.text

    await hub.order_in(client, order_id, {"returned"})
    stock = await hub.stock(client, item)
    assert stock["on_hand"] == 10, "both units are back on the shelf"
