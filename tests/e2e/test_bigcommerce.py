"""BigCommerce-style thin webhooks: authenticated by the configured header token,
deduplicated on the payload's hash, the order and its products fetched from the store's
configured API, then mapped by a mapping file."""

import json
import random

import httpx

from simulators.bigcommerce_payloads import (
    bigcommerce_order,
    bigcommerce_refund,
    bigcommerce_status_webhook,
    bigcommerce_webhook,
)
from simulators.storefronts import Line
from tests.support.hub import Hub
from tests.support.hub_files import BC_STORE
from tests.support.waiting import eventually


async def send(
    hub: Hub, client: httpx.AsyncClient, payload: dict, token: str | None = None
) -> httpx.Response:
    return await client.post(
        hub.url("storefront-gateway", "/webhooks/json/bc-test"),
        content=json.dumps(payload).encode(),
        headers={
            "content-type": "application/json",
            "X-Crossdock-Token": token if token is not None else hub.store_keys["bc_header"],
        },
    )


async def on_store(hub: Hub, client: httpx.AsyncClient, documents: dict) -> None:
    response = await client.post(
        hub.url("storefront-api", f"/_orders/bigcommerce/{BC_STORE}"), json=documents
    )
    response.raise_for_status()


async def test_a_thin_webhook_is_acknowledged_then_fetched_mapped_and_placed_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id = random.randrange(10**6, 10**7)
    sku = f"BC-{order_id}"
    await hub.set_stock(client, sku, "wh-1", 5)
    documents = bigcommerce_order(order_id, [Line(sku, 2, "12.50", title="Candle ✨")])
    await on_store(hub, client, documents)
    webhook = bigcommerce_webhook(BC_STORE, order_id)

    accepted = await send(hub, client, webhook)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    again = await send(hub, client, webhook)  # BigCommerce's retry while it is fetched
    assert again.json()["status"] == "duplicate"
    ours = hub.order_id("bc-test", str(order_id))
    order = await hub.settled_order(client, ours)
    assert order["channel"] == "bc-test" and order["channel_order_ref"] == str(order_id)
    assert order["lines"][0]["sku"] == sku and order["lines"][0]["title"] == "Candle ✨"
    assert order["totals"]["total_minor"] == 2500 + 200 + 600  # goods, 8% tax, shipping
    reads = (await hub.store_received(client))["bigcommerce_reads"][f"{BC_STORE}/{order_id}"]
    late = await send(hub, client, webhook)  # a retry long after: the order is had
    assert late.json()["status"] == "duplicate" and late.json()["order_id"] == ours
    after = (await hub.store_received(client))["bigcommerce_reads"][f"{BC_STORE}/{order_id}"]
    assert after == reads == 3, "the retries were answered without fetching the order again"


async def test_a_hook_for_an_order_the_store_cannot_show_yet_waits_and_is_taken_later(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id = random.randrange(10**6, 10**7)
    webhook = bigcommerce_webhook(BC_STORE, order_id)
    early = await send(hub, client, webhook)
    assert early.status_code == 200 and early.json()["status"] == "accepted", early.text

    async def waiting() -> list | None:
        found = (await client.get(hub.url("storefront-gateway", "/webhooks/waiting"))).json()
        mine = [w for w in found["waiting"] if w["channel"] == "bc-test" and w["attempts"] > 0]
        return mine or None

    [held] = await eventually(waiting)
    assert "404" in held["last_error"]  # the store's answer, kept with the hook
    sku = f"BC-{order_id}"
    await hub.set_stock(client, sku, "wh-1", 1)
    await on_store(hub, client, bigcommerce_order(order_id, [Line(sku, 1, "3.00")]))
    order = await hub.settled_order(client, hub.order_id("bc-test", str(order_id)), timeout=60)
    assert order["lines"][0]["sku"] == sku


async def test_a_thin_webhook_without_the_token_or_from_another_store_is_refused(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    webhook = bigcommerce_webhook(BC_STORE, 1)
    assert (await send(hub, client, webhook, token="wrong")).status_code == 401
    assert (
        await send(hub, client, {**webhook, "producer": "stores/someone-else"})
    ).status_code == 401
    # The resource is always fetched from the configured API, whatever the payload says.
    elsewhere = {**webhook, "data": {"type": "order", "id": "../../admin"}}
    assert (await send(hub, client, elsewhere)).status_code == 422


async def placed(hub: Hub, client: httpx.AsyncClient, quantity: int = 2) -> tuple[int, str, str]:
    """A BigCommerce order taken in and reserved: (its id at the store, SKU, our id)."""
    order_id = random.randrange(10**6, 10**7)
    sku = f"BC-{order_id}"
    await hub.set_stock(client, sku, "wh-1", 5)
    await on_store(hub, client, bigcommerce_order(order_id, [Line(sku, quantity, "12.50")]))
    taken = await send(hub, client, bigcommerce_webhook(BC_STORE, order_id))
    assert taken.json()["status"] == "accepted", taken.text
    ours = hub.order_id("bc-test", str(order_id))
    await hub.order_at_3pl(client, ours)
    return order_id, sku, ours


async def test_a_status_update_to_cancelled_cancels_the_order_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id, sku, ours = await placed(hub, client)
    moved = await send(hub, client, bigcommerce_status_webhook(BC_STORE, order_id, 11, 9))
    assert moved.json()["status"] == "ignored"  # Awaiting Shipment: nothing to do

    cancel = bigcommerce_status_webhook(BC_STORE, order_id, 9, 5)
    first = await send(hub, client, cancel)
    assert first.json()["status"] == "accepted", first.text
    assert (await send(hub, client, cancel)).json()["status"] == "duplicate"
    await hub.order_in(client, ours, {"cancelled"})

    async def released() -> bool:
        stock = await hub.stock(client, sku)
        return (stock["on_hand"], stock["reserved"]) == (5, 0)

    assert await eventually(released)


async def test_a_refund_is_read_from_the_store_and_booked_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id, _, ours = await placed(hub, client)
    product = order_id * 10 + 1
    refund = bigcommerce_refund(
        random.randrange(10**6, 10**7),
        order_id,
        [
            {"item_type": "PRODUCT", "item_id": product, "quantity": 1, "requested_amount": None},
            {"item_type": "SHIPPING", "item_id": 1, "quantity": None, "requested_amount": 6.0},
        ],
        total="19.50",  # one candle 12.50, its 8% tax 1.00, the shipping 6.00
        tax="1.00",
    )
    url = hub.url("storefront-api", f"/_refunds/bigcommerce/{BC_STORE}/{order_id}")
    (await client.post(url, json=refund)).raise_for_status()

    partly = await send(hub, client, bigcommerce_status_webhook(BC_STORE, order_id, 11, 14))
    assert partly.json()["status"] == "accepted", partly.text
    hook = {**bigcommerce_webhook(BC_STORE, order_id), "scope": "store/order/refund/created"}
    again = await send(hub, client, hook)
    assert again.json()["status"] == "duplicate" and "0 new of 1" in again.json()["reason"]

    async def entry() -> dict | None:
        path = f"/journal?order_id={ours}"
        entries = (await client.get(hub.url("accounting-poster", path))).json()["entries"]
        return next((e for e in entries if e["kind"] == "refund"), None)

    booked = await eventually(entry)
    lines = {
        line["account"]: (line["debit_minor"], line["credit_minor"]) for line in booked["lines"]
    }
    # The store's entity clears its payments through 1120 (tests/support/hub_files).
    assert lines == {"4000": (1250, 0), "4100": (600, 0), "2200": (100, 0), "1120": (0, 1950)}


async def test_a_parcel_goes_back_to_the_store_as_a_shipment_of_its_order_products(
    hub: Hub, client: httpx.AsyncClient, shipping: None
) -> None:
    order_id, _, ours = await placed(hub, client, quantity=3)
    await hub.order_in(client, ours, {"delivered"})

    async def shipped() -> list | None:
        found = (await client.get(hub.url("storefront-api", f"/_bigcommerce/{BC_STORE}"))).json()
        return found["shipments"].get(str(order_id))

    [shipment] = await eventually(shipped)
    assert shipment["order_address_id"] == 1
    assert shipment["items"] == [{"order_product_id": order_id * 10 + 1, "quantity": 3}]
    assert shipment["tracking_number"].startswith("1Z")
    assert shipment.get("tracking_carrier") == "ups"


async def test_stock_reaches_the_store_within_its_quota(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    skus = [f"BCS-{random.randrange(10**9)}" for _ in range(6)]
    listing = {"variants": [{"sku": s, "inventory_level": 0} for s in skus]}
    (
        await client.post(
            hub.url("storefront-api", f"/_variants/bigcommerce/{BC_STORE}"), json=listing
        )
    ).raise_for_status()
    quota = {"quota": 4, "window_ms": 1500}
    (
        await client.post(hub.url("storefront-api", "/_quota/bigcommerce"), json=quota)
    ).raise_for_status()
    try:
        for n, sku in enumerate(skus):
            await hub.set_stock(client, sku, "wh-1", n + 1)

        async def shown() -> dict | None:
            store = (
                await client.get(hub.url("storefront-api", f"/_bigcommerce/{BC_STORE}"))
            ).json()
            levels = {s: store["variants"][s]["inventory_level"] for s in skus}
            return store if levels == {s: n + 1 for n, s in enumerate(skus)} else None

        store = await eventually(shown, timeout=30)
        # The hub stops at the quota and waits for the window to reset; a refusal now and
        # then (a window it did not know of) is allowed, a run of them is not.
        assert store["refused"] <= 2, store["refused"]
    finally:
        reset = {"quota": 150, "window_ms": 30000}
        await client.post(hub.url("storefront-api", "/_quota/bigcommerce"), json=reset)
