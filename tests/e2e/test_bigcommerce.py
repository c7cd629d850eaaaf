"""BigCommerce-style thin webhooks: authenticated by the configured header token,
deduplicated on the payload's hash, the order and its products fetched from the store's
configured API, then mapped by a mapping file."""

import json
import random

import httpx

from simulators.bigcommerce_payloads import bigcommerce_order, bigcommerce_webhook
from simulators.storefronts import Line
from tests.support.hub import Hub
from tests.support.hub_files import BC_STORE


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


async def test_a_thin_webhook_is_fetched_mapped_and_placed_once(
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
    order = await hub.settled_order(client, accepted.json()["order_id"])
    assert order["channel"] == "bc-test" and order["channel_order_ref"] == str(order_id)
    assert order["lines"][0]["sku"] == sku and order["lines"][0]["title"] == "Candle ✨"
    assert order["totals"]["total_minor"] == 2500 + 200 + 600  # goods, 8% tax, shipping
    reads = (await hub.store_received(client))["bigcommerce_reads"][f"{BC_STORE}/{order_id}"]
    again = await send(hub, client, webhook)  # BigCommerce's retry of the same hook
    assert again.json()["status"] == "duplicate"
    assert again.json()["order_id"] == accepted.json()["order_id"]
    after = (await hub.store_received(client))["bigcommerce_reads"][f"{BC_STORE}/{order_id}"]
    assert after == reads == 3, "the retry was answered without fetching the order again"


async def test_a_webhook_for_an_order_the_store_cannot_show_is_refused_for_a_retry(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id = random.randrange(10**6, 10**7)
    webhook = bigcommerce_webhook(BC_STORE, order_id)
    early = await send(hub, client, webhook)
    assert early.status_code == 502 and "could not fetch" in early.text and "HTTP 404" in early.text
    sku = f"BC-{order_id}"
    await hub.set_stock(client, sku, "wh-1", 1)
    await on_store(hub, client, bigcommerce_order(order_id, [Line(sku, 1, "3.00")]))
    retried = await send(hub, client, webhook)  # BigCommerce retries: now it is there
    assert retried.json()["status"] == "accepted"


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
