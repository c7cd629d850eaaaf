"""The demo's catalog part: products and prices from the ERP on every channel, a flash
sale that starts and ends on time everywhere, a B2B customer's negotiated price at
checkout, and an order beyond their credit limit held until approved."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from deploy.local.demo_channels import SKUS
from simulators.storefronts import Line, shopify_order, signed_shopify

ERP, GATEWAY, ROUTER = "http://127.0.0.1:9601", "http://127.0.0.1:8000", "http://127.0.0.1:8001"
PRICES = {
    "shopify-demo": "http://127.0.0.1:9201/_prices/shopify",
    "woo-demo": "http://127.0.0.1:9201/_prices/woocommerce",
    "market-demo": "http://127.0.0.1:9401/_prices",
    "pos-demo": "http://127.0.0.1:9501/_prices",
}
B2B = {"number": "C-ACME", "email": "buyer@acme.example"}


async def erp(client: httpx.AsyncClient, kind: str, items: list[dict[str, Any]]) -> None:
    (await client.post(f"{ERP}/_{kind}", json={"items": items})).raise_for_status()


async def publish_catalog(client: httpx.AsyncClient) -> None:
    await erp(
        client,
        "products",
        [
            {
                "sku": "TEE-BLK-M",
                "product_code": "TEE-BLK",
                "title": "Tee, black, M",
                "barcode": "0400000000017",
                "weight_grams": 180,
            },
            {
                "sku": "TEE-BLK-L",
                "product_code": "TEE-BLK",
                "title": "Tee, black, L",
                "barcode": "0400000000024",
                "weight_grams": 195,
            },
            {
                "sku": "MUG-WHT",
                "product_code": "MUG",
                "title": "Mug, white",
                "barcode": "0400000000031",
                "weight_grams": 350,
            },
        ],
    )
    standing = {"TEE-BLK-M": "24.00", "TEE-BLK-L": "24.00", "MUG-WHT": "12.00"}
    await erp(
        client,
        "prices",
        [
            {"id": f"{sku}-{cur}", "sku": sku, "currency": cur, "amount": amount}
            for sku, amount in standing.items()
            for cur in ("USD", "EUR")
        ],
    )


async def show_prices(client: httpx.AsyncClient, title: str) -> None:
    print(f"\n{title}")
    print(f"  {'SKU':<10}" + "".join(f" {c:>13}" for c in PRICES))
    shown = {c: (await client.get(url)).json()["prices"] for c, url in PRICES.items()}
    for sku in SKUS:
        cells = []
        for channel, found in shown.items():
            name = "MUG-01" if channel == "woo-demo" and sku == "MUG-WHT" else sku
            value = found.get(name)
            cells.append(f"{value / 100:.2f}" if isinstance(value, int) else str(value or "-"))
        print(f"  {sku:<10}" + "".join(f" {c:>13}" for c in cells))


async def flash_sale(client: httpx.AsyncClient) -> None:
    starts = datetime.now(UTC) + timedelta(seconds=3)
    ends = starts + timedelta(seconds=4)
    sale = {
        "id": "TEE-M-FLASH",
        "sku": "TEE-BLK-M",
        "currency": "USD",
        "amount": "17.99",
        "compare_at": "24.00",
    }
    await erp(client, "prices", [{**sale, "starts_at": _iso(starts), "ends_at": _iso(ends)}])
    print(
        f"\nFlash sale on TEE-BLK-M (USD channels): 17.99 from {starts:%H:%M:%S} to {ends:%H:%M:%S}"
    )
    for moment, label in ((starts, "at the start"), (ends, "at the end")):
        await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.5)
        await show_prices(client, f"Prices half a second after the sale's {label.split()[-1]}")


async def b2b(client: httpx.AsyncClient, secrets: dict[str, str]) -> None:
    await erp(
        client,
        "customers",
        [
            {
                **B2B,
                "name": "Acme Trading",
                "company": "Acme Trading Ltd",
                "currency": "USD",
                "credit_limit": "100.00",
                "balance": "60.00",
                "balance_as_of": "2026-01-01T00:00:00Z",
                "price_list": [{"sku": "TEE-BLK-M", "price": "19.50"}],
            }
        ],
    )
    query = [("sku", "TEE-BLK-M"), ("sku", "MUG-WHT")]
    answer = await until(lambda: _json(client, f"{GATEWAY}/customers/C-ACME/pricing", query))
    print("\nAcme Trading at checkout (GET /customers/C-ACME/pricing)")
    for p in answer["prices"]:
        listed, theirs = p["list_price_minor"] / 100, p["price_minor"] / 100
        print(f"  {p['sku']:<10} list {listed:>6.2f}  theirs {theirs:>6.2f}  ({p['source']})")
    order = shopify_order(
        random.randrange(10**9, 2 * 10**9),
        [Line("TEE-BLK-M", 3, "19.50")],
        shipping="0.00",
        tax_rate="0",
    )
    order["email"] = B2B["email"]
    hook = signed_shopify(
        order, "crossdock-demo.myshopify.com", secrets["CROSSDOCK_SECRET_SHOPIFY_DEMO"]
    )
    placed = (
        await client.post(f"{GATEWAY}{hook.path}", headers=hook.headers, content=hook.body)
    ).json()
    order_url = f"{ROUTER}/orders/{placed['order_id']}"
    held = await until(lambda: _json(client, order_url, [], lambda o: o["status"] != "placed"))
    print(f"  an order of 58.50: {held['status'].upper()} — {held['reason']}")
    auth = {"Authorization": f"Bearer {secrets['CROSSDOCK_ADMIN_TOKEN']}"}
    await client.post(
        f"{ROUTER}/orders/{placed['order_id']}/approve",
        json={"approved_by": "finance"},
        headers=auth,
    )
    approved = await until(
        lambda: _json(
            client, order_url, [], lambda o: o["status"] not in ("held_for_approval", "placed")
        )
    )
    print(f"  approved by finance: {approved['status'].upper()}")


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 15) -> Any:
    """The first answer of `check` that is not None (the ERP is read every 2 s)."""
    for _ in range(int(timeout / 0.2)):
        found = await check()
        if found is not None:
            return found
        await asyncio.sleep(0.2)
    raise SystemExit("the hub did not answer in time; see .local/stack/logs/")


async def _json(
    client: httpx.AsyncClient,
    url: str,
    params: list[tuple[str, str]],
    ready: Callable[[Any], bool] = lambda _: True,
) -> Any:
    response = await client.get(url, params=params)
    if response.status_code != 200:
        return None
    body = response.json()
    return body if ready(body) else None


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
