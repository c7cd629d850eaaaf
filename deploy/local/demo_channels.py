"""The demo's channel part: the four channels show the ledger's available-to-sell, the
marketplace and the point of sale sell, every channel follows, and reconciliation
confirms it."""

import asyncio
from typing import Any

import httpx

STORE, MARKET, POS = "http://127.0.0.1:9201", "http://127.0.0.1:9401", "http://127.0.0.1:9501"
GATEWAY, LEDGER = "http://127.0.0.1:8000", "http://127.0.0.1:8002"
SKUS = ["TEE-BLK-M", "TEE-BLK-L", "MUG-WHT"]
CHANNEL_SKUS = {"woo-demo": {"MUG-WHT": "MUG-01"}}

LEVELS = {
    "shopify-demo": f"{STORE}/_levels/shopify",
    "woo-demo": f"{STORE}/_levels/woocommerce",
    "market-demo": f"{MARKET}/_levels",
    "pos-demo": f"{POS}/_levels",
}


async def list_products(client: httpx.AsyncClient) -> None:
    """The merchant has the products listed on every channel (showing nothing yet)."""
    for channel, platform in (("shopify-demo", "shopify"), ("woo-demo", "woocommerce")):
        products = [{"sku": _named(channel, s), "quantity": 0} for s in SKUS]
        await client.post(f"{STORE}/_products/{platform}", json={"products": products})
    listings = [{"sku": s, "quantity": 0, "price": "24.00"} for s in SKUS]
    await client.post(f"{MARKET}/_listings", json={"listings": listings})
    counted = [{"sku": s, "count": 0, "price_minor": 2400} for s in SKUS]
    await client.post(f"{POS}/_products", json={"products": counted})


async def show_levels(client: httpx.AsyncClient, title: str) -> None:
    await asyncio.sleep(1.5)  # within a second, plus the marketplace's 2 calls/s
    print(f"\n{title}")
    print(f"  {'SKU':<10} {'ledger':>7}" + "".join(f" {c:>13}" for c in LEVELS))
    for sku in SKUS:
        stock = await client.get(f"{LEDGER}/stock/{sku}")
        free = stock.json()["available"] if stock.status_code == 200 else 0
        shown = [
            (await client.get(url)).json().get(_named(channel, sku), "-")
            for channel, url in LEVELS.items()
        ]
        print(f"  {sku:<10} {free:>7}" + "".join(f" {s!s:>13}" for s in shown))


def _named(channel: str, sku: str) -> str:
    """The WooCommerce store calls the mug MUG-01 (config/channels.yaml's sku_aliases)."""
    return CHANNEL_SKUS.get(channel, {}).get(sku, sku)


async def sell_on_marketplace_and_pos(client: httpx.AsyncClient) -> None:
    sale = (await client.post(f"{MARKET}/_sell", json={"sku": "TEE-BLK-M", "quantity": 2})).json()
    print(f"\nMarketplace sells 2 x TEE-BLK-M: {_outcome(sale)}")
    sale = (await client.post(f"{POS}/_sell", json={"sku": "TEE-BLK-M", "quantity": 1})).json()
    print(f"SoHo register sells 1 x TEE-BLK-M: {_outcome(sale)}")


def _outcome(sale: dict[str, Any]) -> str:
    if not sale["sold"]:
        return f"not sold ({sale['reason']})"
    return f"sold, posted to the hub (HTTP {sale['hub_status']})"


async def reconcile(client: httpx.AsyncClient, token: str, heal: bool = False) -> None:
    """Channels just listed show 0 until told: reconciling heals them at once (what a
    merchant does when a channel goes live); afterwards a dry run confirms."""
    answer = await client.post(
        f"{GATEWAY}/reconcile",
        params={"dry_run": str(not heal).lower(), "format": "table"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    command = "crossdock reconcile" + ("" if heal else " --dry-run")
    print(f"\nReconciliation (`{command}`)")

    for line in answer.text.splitlines():
        print(f"  {line}")
