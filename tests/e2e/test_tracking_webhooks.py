"""Tracking pushed by shipping platforms: ShipStation SHIP_NOTIFY (fetched from the
configured API only) and EasyPost tracker.updated (signed)."""

import hashlib
import hmac
import json
import random
import uuid

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import SHIPSTATION_STORE, Hub
from tests.support.waiting import eventually


async def shipment_at_tpl_b(hub: Hub, client: httpx.AsyncClient) -> tuple[str, str, str]:
    item = f"SS-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-2", 5)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "3.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    order = await hub.order_at_3pl(client, order_id)
    [shipment] = order["shipments"]
    assert shipment["fulfiller"] == "tpl-b"
    return order_id, shipment["shipment_id"], item


def ship_notify_url(hub: Hub, token: str) -> str:
    return hub.url("shipping-bridge", f"/webhooks/shipstation?token={token}")


async def test_ship_notify_fetches_the_shipments_and_records_the_dispatch(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id, shipment_id, item = await shipment_at_tpl_b(hub, client)
    batch = uuid.uuid4().hex
    await client.post(
        hub.url("shipstation-api", f"/_batches/{batch}"),
        json=[
            {
                "shipmentId": random.randrange(10**8),
                "orderKey": shipment_id,
                "orderNumber": "1001",
                "trackingNumber": "9400111899223817263041",
                "carrierCode": "stamps_com",
                "voided": False,
                "shipmentItems": [{"sku": item, "quantity": 2}],
            }
        ],
    )
    resource = hub.url("shipstation-api", f"/shipments?batchId={batch}&includeShipmentItems=True")

    response = await client.post(
        ship_notify_url(hub, hub.store_keys["shipstation_token"]),
        json={"resource_url": resource, "resource_type": "SHIP_NOTIFY"},
    )

    assert response.json() == {"status": "processed", "recorded": 1, "skipped": []}
    order = await hub.order_in(client, order_id, {"shipped"})
    assert order["shipments"][0]["tracking"][0]["tracking_number"] == "9400111899223817263041"


async def test_ship_notify_never_fetches_a_url_outside_the_configured_api(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    before = (await client.get(hub.url("shipstation-api", "/_requests"))).json()["requests"]
    elsewhere = hub.url("storefront-api", "/_received")

    response = await client.post(
        ship_notify_url(hub, hub.store_keys["shipstation_token"]),
        json={"resource_url": elsewhere, "resource_type": "SHIP_NOTIFY"},
    )
    wrong_token = await client.post(
        ship_notify_url(hub, "guess"),
        json={"resource_url": elsewhere, "resource_type": "SHIP_NOTIFY"},
    )

    assert response.status_code == 400 and "configured ShipStation API" in response.json()["detail"]
    assert wrong_token.status_code == 401
    assert (await client.get(hub.url("shipstation-api", "/_requests"))).json()["requests"] == before


async def ship_notify(hub: Hub, client: httpx.AsyncClient, shipments: list[dict]) -> dict:
    """ShipStation's SHIP_NOTIFY as documented: its resource_url on the production host,
    `includeShipmentItems=False` as ShipStation sends it; the bridge fetches through the
    configured API (here the simulator)."""
    batch = uuid.uuid4().hex
    await client.post(hub.url("shipstation-api", f"/_batches/{batch}"), json=shipments)
    resource = f"https://ssapi.shipstation.com/shipments?batchId={batch}&includeShipmentItems=False"
    response = await client.post(
        ship_notify_url(hub, hub.store_keys["shipstation_token"]),
        json={"resource_url": resource, "resource_type": "SHIP_NOTIFY"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def label(**fields: object) -> dict:
    return {
        "shipmentId": random.randrange(10**8),
        "trackingNumber": f"94001{random.randrange(10**16):016d}",
        "carrierCode": "stamps_com",
        "voided": False,
        **fields,
    }


async def test_an_order_the_store_sent_to_shipstation_itself_is_matched_by_its_number(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """Through the store's own ShipStation integration, orderKey and orderNumber are the
    store's (V1 Order model: "orderKey: a user-provided key that should be unique to each
    order"), and advancedOptions.storeId names the store."""
    order_id, _, item = await shipment_at_tpl_b(hub, client)
    order = await hub.order(client, order_id)
    assert order is not None
    store = {"advancedOptions": {"storeId": int(SHIPSTATION_STORE)}}
    items = [{"sku": item, "quantity": 2}]
    answer = await ship_notify(
        hub,
        client,
        [
            label(
                orderKey="store-key",
                orderNumber=order["channel_order_name"].lstrip("#"),
                shipmentItems=items,
                **store,
            ),
            label(
                orderKey=order["channel_order_ref"],
                orderNumber="x",
                voided=True,
                shipmentItems=items,
                **store,
            ),
            label(
                orderKey="nobody",
                orderNumber="42",
                shipmentItems=items,
                advancedOptions={"storeId": 999},
            ),
        ],
    )

    assert answer["recorded"] == 1, answer
    skipped = answer["skipped"]
    assert any("voided label" in s for s in skipped), skipped
    assert any("store 999 is no channel of ours" in s for s in skipped), skipped
    shipped = await hub.order_in(client, order_id, {"shipped"})
    assert shipped["shipments"][0]["shipped"] == {item: 2}


async def test_ship_notify_without_items_asks_for_them_and_never_records_an_empty_parcel(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id, shipment_id, item = await shipment_at_tpl_b(hub, client)
    answer = await ship_notify(
        hub, client, [label(orderKey=shipment_id, shipmentItems=[{"sku": item, "quantity": 2}])]
    )
    assert answer == {"status": "processed", "recorded": 1, "skipped": []}
    asked = (await client.get(hub.url("shipstation-api", "/_requests"))).json()["requests"]
    assert "includeShipmentItems=True" in asked[-1], asked[-1]
    await hub.order_in(client, order_id, {"shipped"})


def easypost(
    hub: Hub,
    tracking_code: str,
    status: str,
    secret: str | None = None,
    at: str = "2026-12-01T10:00:00Z",
    where: dict | None = None,
) -> tuple[bytes, dict]:
    """An Event whose result is a Tracker, as EasyPost documents it (docs.easypost.com,
    Trackers): its status, updated_at, and the scans in tracking_details."""
    scan = {
        "object": "TrackingDetail",
        "message": f"Carrier says: {status.replace('_', ' ')}",
        "status": status,
        "datetime": at,
        "tracking_location": where or {"city": None, "state": None, "country": None, "zip": None},
    }
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "Event",
            "description": "tracker.updated",
            "result": {
                "object": "Tracker",
                "id": f"trk_{uuid.uuid4().hex}",
                "tracking_code": tracking_code,
                "status": status,
                "status_detail": "arrived_at_facility" if status == "in_transit" else None,
                "carrier": "USPS",
                "updated_at": at,
                "tracking_details": [scan],
            },
        }
    ).encode()
    key = (secret or hub.store_keys["easypost"]).encode()
    signature = "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hmac-Signature": signature}


async def test_easypost_delivered_event_delivers_the_shipment(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id, shipment_id, item = await shipment_at_tpl_b(hub, client)
    tracking = f"EZ{random.randrange(10**12)}"
    await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment_id}/dispatches"),
        json={
            "dispatch_id": "P1",
            "carrier": "USPS",
            "tracking_number": tracking,
            "lines": [{"sku": item, "quantity": 2}],
        },
        headers={"X-Api-Key": hub.tpl_keys["tpl-b"][1]},
    )
    forged_body, forged_headers = easypost(hub, tracking, "delivered", secret="not-the-secret")

    forged = await client.post(
        hub.url("shipping-bridge", "/webhooks/easypost"),
        content=forged_body,
        headers=forged_headers,
    )
    body, headers = easypost(hub, tracking, "delivered")
    genuine = await client.post(
        hub.url("shipping-bridge", "/webhooks/easypost"), content=body, headers=headers
    )

    assert forged.status_code == 401
    assert genuine.json()["status"] == "recorded"
    await hub.order_in(client, order_id, {"delivered"})


@pytest.mark.usefixtures("shipping")
async def test_every_easypost_status_is_tracking_history_and_reaches_shopify_in_order(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"EZT-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "8.00")])
    await hub.on_store(client, "shopify", payload)
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    order = await hub.order_in(client, order_id, {"delivered"})
    tracking = order["shipments"][0]["tracking"][0]["tracking_number"]

    async def fulfilled() -> list | None:
        received = await hub.store_received(client)
        return [f for f in received["fulfillments"] if f["tracking_number"] == tracking] or None

    [fulfillment] = await eventually(fulfilled)
    memphis = {"city": "Memphis", "state": "TN", "country": "US", "zip": "38118"}
    answers = []
    for status, at in (
        ("in_transit", "2026-12-01T10:00:00Z"),
        ("pre_transit", "2026-12-01T08:00:00Z"),  # late, and older: never over the newer
        ("out_for_delivery", "2026-12-01T14:00:00Z"),
    ):
        body, headers = easypost(hub, tracking, status, at=at, where=memphis)
        answer = await client.post(
            hub.url("shipping-bridge", "/webhooks/easypost"), content=body, headers=headers
        )
        answers.append(answer.json())
    assert [a["status"] for a in answers] == ["recorded", "ignored", "recorded"], answers

    async def events() -> list | None:
        received = await hub.store_received(client)
        mine = [
            e for e in received["fulfillment_events"] if e["fulfillment_id"] == fulfillment["id"]
        ]
        return mine if len(mine) == 2 else None

    sent = await eventually(events)
    assert [e["status"] for e in sent] == ["in_transit", "out_for_delivery"]
    assert (sent[0]["city"], sent[0]["province"], sent[0]["zip"]) == ("Memphis", "TN", "38118")
    timeline = (await hub.order(client, order_id) or {})["timeline"]
    history = [e["detail"]["tracking"] for e in timeline if "tracking" in e["detail"]]
    assert history == ["in_transit", "out_for_delivery"], history
