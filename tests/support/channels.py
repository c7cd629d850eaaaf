"""The four simulated sales channels of the test hub, seen from a shopper and a merchant."""

import itertools
import json
import math
import random
from typing import Any

import httpx

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub

CHANNELS = ("shopify-test", "woo-test", "market-test", "pos-test")
_order_numbers = itertools.count(random.randrange(10**9, 2 * 10**9))


def expected(channel: str, stock: dict[str, Any]) -> int:
    """What a channel should show, worked out here from the ledger's own numbers and the
    test hub's channel settings (buffers, locations)."""
    free = {loc["location"]: loc["available"] for loc in stock["locations"]}
    total = free.get("wh-2", 0) if channel == "pos-test" else sum(free.values())
    held = {"woo-test": 1, "market-test": math.ceil(total * 0.10) if total > 0 else 0}
    return max(0, total - held.get(channel, 0))


async def list_everywhere(hub: Hub, client: httpx.AsyncClient, skus: list[str]) -> None:
    """Each channel lists the SKUs (showing nothing yet), as a merchant would set them up."""
    for platform in ("shopify", "woocommerce"):
        products = [{"sku": s, "quantity": 0} for s in skus]
        await _ok(
            client.post(
                hub.url("storefront-api", f"/_products/{platform}"), json={"products": products}
            )
        )
    listings = [{"sku": s, "quantity": 0, "price": "12.00"} for s in skus]
    await _ok(client.post(hub.url("marketplace", "/_listings"), json={"listings": listings}))
    products = [{"sku": s, "count": 0, "price_minor": 1200} for s in skus]
    await _ok(client.post(hub.url("pos", "/_products"), json={"products": products}))


async def levels(hub: Hub, client: httpx.AsyncClient, channel: str) -> dict[str, int]:
    path = {
        "shopify-test": ("storefront-api", "/_levels/shopify"),
        "woo-test": ("storefront-api", "/_levels/woocommerce"),
        "market-test": ("marketplace", "/_levels"),
        "pos-test": ("pos", "/_levels"),
    }[channel]
    response = await client.get(hub.url(*path))
    response.raise_for_status()
    return dict(response.json())


async def overwrite(
    hub: Hub, client: httpx.AsyncClient, channel: str, counts: dict[str, int]
) -> None:
    """A merchant edits counts in the channel's own admin."""
    path = {
        "shopify-test": ("storefront-api", "/_levels/shopify"),
        "woo-test": ("storefront-api", "/_levels/woocommerce"),
        "market-test": ("marketplace", "/_levels"),
        "pos-test": ("pos", "/_levels"),
    }[channel]
    await _ok(client.post(hub.url(*path), json=counts))


async def sell(
    hub: Hub, client: httpx.AsyncClient, channel: str, sku: str, quantity: int = 1
) -> str | None:
    """A shopper buys on the channel; the channel sells only what it shows. Returns the
    Crossdock order id of the sale, or None when the channel showed too few."""
    if channel == "market-test":
        answer = await _ok(
            client.post(hub.url("marketplace", "/_sell"), json={"sku": sku, "quantity": quantity})
        )
        ref = answer.get("order_id")
    elif channel == "pos-test":
        answer = await _ok(
            client.post(hub.url("pos", "/_sell"), json={"sku": sku, "quantity": quantity})
        )
        ref = answer.get("sale_id")
    else:
        number = next(_order_numbers)
        line = [Line(sku, quantity, "12.00")]
        if channel == "shopify-test":
            platform, hook = (
                "shopify",
                signed_shopify(shopify_order(number, line), hub.shop, hub.shopify_secret),
            )
        else:
            platform, hook = (
                "woocommerce",
                signed_woocommerce(woocommerce_order(number, line), hub.woo, hub.woo_secret),
            )
        webhook = {
            "url": hub.url("storefront-gateway", hook.path),
            "headers": hook.headers,
            "body": hook.body.decode(),
        }
        answer = await _ok(
            client.post(
                hub.url("storefront-api", f"/_sell/{platform}"),
                json={"sku": sku, "quantity": quantity, "webhook": webhook},
            )
        )
        ref = str(number)
    if not answer["sold"]:
        return None
    assert answer["hub_status"] == 200, answer
    return hub.order_id(channel, str(ref))


async def _ok(request: Any) -> Any:
    response = await request
    response.raise_for_status()
    return response.json()


def dumps(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=True, default=str)


PRICES = {
    "shopify-test": ("storefront-api", "/_prices/shopify"),
    "woo-test": ("storefront-api", "/_prices/woocommerce"),
    "market-test": ("marketplace", "/_prices"),
    "pos-test": ("pos", "/_prices"),
}


def _minor(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, int) else round(float(value) * 100)


async def prices(hub: Hub, client: httpx.AsyncClient, channel: str) -> dict[str, int | None]:
    """What a shopper pays on the channel now, per SKU, in cents."""
    found = (await client.get(hub.url(*PRICES[channel]))).json()
    return {sku: _minor(value) for sku, value in found["prices"].items()}


async def price_calls(hub: Hub, client: httpx.AsyncClient, channel: str) -> list[dict[str, Any]]:
    """Each price call the channel received: wall-clock time and prices (in cents)."""
    found = (await client.get(hub.url(*PRICES[channel]))).json()
    return [
        {"t": call["t"], "values": {s: _minor(v) for s, v in call["values"].items()}}
        for call in found["calls"]
    ]


async def erp_put(
    hub: Hub, client: httpx.AsyncClient, kind: str, items: list[dict[str, Any]]
) -> None:
    """The merchant changes products, prices or customers in the ERP."""
    await _ok(client.post(hub.url("erp", f"/_{kind}"), json={"items": items}))
