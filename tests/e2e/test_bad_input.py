"""Bad deliveries get a 4xx with a reason and leave no trace on Kafka."""

import json
import random

import httpx
import pytest

from simulators.storefronts import (
    Line,
    SignedWebhook,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
)
from tests.support.hub import Hub


def fresh_order() -> dict:
    return shopify_order(random.randrange(10**11, 10**12), [Line("BAD-INPUT", 1, "1.00")])


def tampered(hook: SignedWebhook, **headers: str | None) -> SignedWebhook:
    merged = {**hook.headers, **headers}
    return SignedWebhook(hook.path, {k: v for k, v in merged.items() if v is not None}, hook.body)


async def placed_refs(hub: Hub, client: httpx.AsyncClient) -> set[str]:
    """Channel order refs on storefront-orders, read after a sentinel order got through.

    The relay publishes in commit order, so once the sentinel (sent last) has been
    placed, anything the refused delivery might have published is on the topic too.
    """
    sentinel = signed_shopify(fresh_order(), hub.shop, hub.shopify_secret)
    await hub.settled_order(client, (await hub.deliver(client, sentinel)).json()["order_id"])
    return {
        json.loads(r.value)["channel_order_ref"] for r in await hub.records("storefront-orders")
    }


@pytest.mark.parametrize(
    ("case", "make", "status", "reason"),
    [
        (
            "bad signature",
            lambda hub, h: tampered(h, **{"X-Shopify-Hmac-Sha256": "AAAA"}),
            401,
            "does not match",
        ),
        (
            "missing signature",
            lambda hub, h: tampered(h, **{"X-Shopify-Hmac-Sha256": None}),
            401,
            "missing webhook signature",
        ),
        (
            "wrong secret",
            lambda hub, h: signed_shopify(h.body, hub.shop, "not-the-secret"),
            401,
            "does not match",
        ),
        (
            "unknown shop",
            lambda hub, h: signed_shopify(h.body, "other.myshopify.com", hub.shopify_secret),
            401,
            "unknown shopify shop",
        ),
        (
            "malformed JSON",
            lambda hub, h: signed_shopify(
                b'{"id": 1, "line_items": [', hub.shop, hub.shopify_secret
            ),
            400,
            "not valid JSON",
        ),
        (
            "not an order",
            lambda hub, h: signed_shopify({"id": "x"}, hub.shop, hub.shopify_secret),
            422,
            "not a valid order payload",
        ),
        (
            "oversized body",
            lambda hub, h: signed_shopify(
                b" " * (1024 * 1024 + 1) + h.body, hub.shop, hub.shopify_secret
            ),
            413,
            "exceeds",
        ),
    ],
)
async def test_bad_delivery_is_refused_with_a_reason_and_publishes_nothing(
    hub: Hub, client: httpx.AsyncClient, case: str, make, status: int, reason: str
) -> None:
    payload = fresh_order()
    hook = make(hub, signed_shopify(payload, hub.shop, hub.shopify_secret))

    response = await hub.deliver(client, hook)

    assert response.status_code == status, case
    assert reason in response.json()["detail"], response.text
    assert str(payload["id"]) not in await placed_refs(hub, client)


async def test_woocommerce_unsigned_ping_is_acknowledged_and_does_nothing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        hub.url("storefront-gateway", "/webhooks/woocommerce"),
        content=b"webhook_id=12",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ping"


async def test_woocommerce_bad_signature_is_refused(hub: Hub, client: httpx.AsyncClient) -> None:
    from simulators.storefronts import woocommerce_order

    hook = signed_woocommerce(woocommerce_order(1, [Line("X", 1, "1.00")]), hub.woo, "wrong")

    response = await hub.deliver(client, hook)

    assert response.status_code == 401


async def test_order_whose_totals_do_not_reconcile_is_quarantined_not_published(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    payload = {**fresh_order(), "total_price": "999.99"}

    response = await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))

    assert response.status_code == 200
    assert response.json()["status"] == "quarantined"
    assert "do not reconcile" in response.json()["reason"]
    assert str(payload["id"]) not in await placed_refs(hub, client)
    quarantine = (await client.get(hub.url("storefront-gateway", "/quarantine"))).json()
    assert any(d["delivery_id"] == response.json()["delivery_id"] for d in quarantine["deliveries"])
