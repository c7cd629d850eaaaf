"""`make demo`: signed sample orders through the running hub, and what became of them.

Runs against the stack `make up` started (ports 8000-8004): receives stock, then plays
Shopify and WooCommerce sending orders — one that fits, one through a SKU alias with a
gift-wrap fee, one short of stock, one with a line nobody can map, a platform retry,
and a forged signature — and prints each outcome as the hub reports it.
"""

import asyncio
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from deploy.local import demo_catalog, demo_channels, demo_mapping  # noqa: E402
from deploy.local.stack import Stack  # noqa: E402
from simulators.refund_payloads import shopify_refund  # noqa: E402
from simulators.storefronts import (  # noqa: E402
    Line,
    SignedWebhook,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)

GATEWAY, ROUTER, LEDGER = "http://127.0.0.1:8000", "http://127.0.0.1:8001", "http://127.0.0.1:8002"
STORE, BOOKS = "http://127.0.0.1:9201", "http://127.0.0.1:8004"
BRIDGE = "http://127.0.0.1:8003"
UNIT_COSTS = {"TEE-BLK-M": ("USD", 900), "TEE-BLK-L": ("USD", 900), "MUG-WHT": ("EUR", 350)}
SHOP, WOO = "crossdock-demo.myshopify.com", "https://woo.crossdock.test"
RECEIVING = [
    ("TEE-BLK-M", "wh-east", 10),
    ("TEE-BLK-L", "wh-west", 3),
    ("MUG-WHT", "store-soho", 2),
    ("TEE-BLK-M", "store-soho", 4),
]


async def receive_stock(client: httpx.AsyncClient, token: str) -> None:
    """Adds units on top of whatever is reserved, so the demo can run again and again."""
    for sku, location, units in RECEIVING:
        current = await client.get(f"{LEDGER}/stock/{sku}")
        reserved = 0
        if current.status_code == 200:
            reserved = sum(
                loc["reserved"]
                for loc in current.json()["locations"]
                if loc["location"] == location
            )
        response = await client.put(
            f"{LEDGER}/stock/{sku}/{location}",
            json={"on_hand": reserved + units},
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        print(f"  received {units} x {sku} at {location}")
    for sku, (currency, cents) in UNIT_COSTS.items():
        await client.put(
            f"{BOOKS}/costs/{sku}",
            json={"currency": currency, "cost_minor": cents},
            headers={"Authorization": f"Bearer {token}"},
        )


async def refund_and_return(client: httpx.AsyncClient, secrets: dict[str, str]) -> None:
    """A delivered order, refunded in part with the goods coming back to the 3PL."""
    payload = shopify_order(random.randrange(10**9, 10**10), [Line("TEE-BLK-M", 2, "24.00")])
    hook = signed_shopify(payload, SHOP, secrets["CROSSDOCK_SECRET_SHOPIFY_DEMO"])
    await client.post(f"{STORE}/_orders/shopify", json=payload)
    order_id = (
        await client.post(f"{GATEWAY}{hook.path}", headers=hook.headers, content=hook.body)
    ).json()["order_id"]
    await settle(client, order_id)
    refund = shopify_refund(payload, random.randrange(10**9), [(0, 1, "return")])
    refund_hook = signed_shopify(
        refund, SHOP, secrets["CROSSDOCK_SECRET_SHOPIFY_DEMO"], topic="refunds/create"
    )
    await client.post(
        f"{GATEWAY}{refund_hook.path}", headers=refund_hook.headers, content=refund_hook.body
    )
    print(f"\n> Shopify refunds 1 of 2 tees of {payload['name']}, the tee comes back")
    tpl_key = {"X-Api-Key": secrets["CROSSDOCK_TPL_EAST_INBOUND_KEY"]}
    for _ in range(50):
        expected = (await client.get(f"{BRIDGE}/3pl/v1/returns", headers=tpl_key)).json()["returns"]
        mine = [r for r in expected if r["lines"] == {"TEE-BLK-M": 1}]
        if mine:
            break
        await asyncio.sleep(0.2)
    await client.post(
        f"{BRIDGE}/3pl/v1/returns/{mine[-1]['return_id']}/receipt",
        headers=tpl_key,
        json={"lines": [{"sku": "TEE-BLK-M", "quantity": 1, "condition": "sellable"}]},
    )
    await asyncio.sleep(1)
    order = (await client.get(f"{ROUTER}/orders/{order_id}")).json()
    entries = (await client.get(f"{BOOKS}/journal?order_id={order_id}")).json()["entries"]
    print(
        f"  order {order['channel_order_name']}: {order['status'].upper()}; books: "
        + ", ".join(
            f"{e['kind']} {sum(line['debit_minor'] for line in e['lines']) / 100:.2f}"
            for e in entries
        )
    )


async def cancel_before_dispatch(client: httpx.AsyncClient, secrets: dict[str, str]) -> None:
    payload = shopify_order(random.randrange(10**9, 10**10), [Line("TEE-BLK-M", 1, "24.00")])
    secret = secrets["CROSSDOCK_SECRET_SHOPIFY_DEMO"]
    hook = signed_shopify(payload, SHOP, secret)
    order_id = (
        await client.post(f"{GATEWAY}{hook.path}", headers=hook.headers, content=hook.body)
    ).json()["order_id"]
    cancel = signed_shopify(
        {**payload, "cancel_reason": "customer"}, SHOP, secret, topic="orders/cancelled"
    )
    await client.post(f"{GATEWAY}{cancel.path}", headers=cancel.headers, content=cancel.body)
    order = await settle(client, order_id)
    journey = [t["detail"]["status"] for t in order["timeline"] if "status" in t["detail"]]
    print(
        f"\n> Shopify cancels {payload['name']} right away\n"
        f"  order: {order['status'].upper()} (placed -> {' -> '.join(journey)})"
    )


def scenarios(secrets: dict[str, str]) -> list[tuple[str, SignedWebhook]]:
    shop_secret, woo_secret = (
        secrets["CROSSDOCK_SECRET_SHOPIFY_DEMO"],
        secrets["CROSSDOCK_SECRET_WOO_DEMO"],
    )
    base = random.randrange(10**9, 10**10)
    fits = signed_shopify(
        shopify_order(
            base + 1,
            [
                Line("TEE-BLK-M", 2, "24.00", "Tee black M"),
                Line(None, 1, "2.00", "Tip", requires_shipping=False),
            ],
        ),
        SHOP,
        shop_secret,
    )
    return [
        ("Shopify: 2 tees and a tip", fits),
        (
            "WooCommerce: mug via SKU alias + gift wrap",
            signed_woocommerce(
                woocommerce_order(
                    base + 2, [Line("MUG-01", 1, "12.50", "Mug")], fees=[("Gift wrap", "3.00")]
                ),
                WOO,
                woo_secret,
            ),
        ),
        (
            "Shopify: 5 tees L, only 3 in stock",
            signed_shopify(
                shopify_order(base + 3, [Line("TEE-BLK-L", 5, "24.00", "Tee black L")]),
                SHOP,
                shop_secret,
            ),
        ),
        (
            "Shopify: a line nobody can map",
            signed_shopify(
                shopify_order(
                    base + 4,
                    [
                        Line("TEE-BLK-M", 1, "24.00", "Tee black M"),
                        Line(None, 1, "9.00", "Mystery box", variant_id=31337),
                    ],
                ),
                SHOP,
                shop_secret,
            ),
        ),
        (
            "Shopify POS: a tee sold over the counter in SoHo",
            signed_shopify(
                {
                    **shopify_order(base + 5, [Line("TEE-BLK-M", 1, "24.00", "Tee black M")]),
                    "source_name": "pos",
                    "location_id": 5001,
                },
                SHOP,
                shop_secret,
            ),
        ),
        ("Shopify retries the first delivery", fits),
        (
            "Forged signature",
            SignedWebhook(
                fits.path, {**fits.headers, "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk"}, fits.body
            ),
        ),
    ]


FINAL = {"rejected", "delivered", "fulfilment_failed", "cancelled"}


async def settle(client: httpx.AsyncClient, order_id: str, timeout: float = 20) -> dict[str, Any]:
    """The order once it reached a final state (or where it stands after `timeout`)."""
    deadline = time.monotonic() + timeout
    order: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = await client.get(f"{ROUTER}/orders/{order_id}")
        if response.status_code == 200:
            order = response.json()
            if order["status"] in FINAL:
                return order
        await asyncio.sleep(0.2)
    return order


async def play(client: httpx.AsyncClient, title: str, hook: SignedWebhook) -> None:
    platform = "shopify" if hook.path.endswith("shopify") else "woocommerce"
    await client.post(
        f"{STORE}/_orders/{platform}",
        content=hook.body,
        headers={"Content-Type": "application/json"},
    )  # the store has the order
    response = await client.post(f"{GATEWAY}{hook.path}", headers=hook.headers, content=hook.body)
    body = response.json()
    print(f"\n> {title}\n  HTTP {response.status_code} {body.get('status') or body.get('detail')}")
    for line in body.get("unmapped_lines", []):
        print(f"  quarantined line: {line['reason']}")
    if response.status_code != 200 or body["status"] != "accepted":
        return
    order = await settle(client, body["order_id"])
    journey = [t["detail"]["status"] for t in order["timeline"] if "status" in t["detail"]]
    print(f"  order {order['channel_order_name']} ({order['channel']}): {order['status'].upper()}")
    print(f"  journey: placed -> {' -> '.join(journey)}")
    for allocation in order["allocations"]:
        print(
            f"  reserved {allocation['quantity']} x {allocation['sku']} at {allocation['location']}"
        )
    for shipment in order["shipments"]:
        parcels = ", ".join(f"{t['carrier']} {t['tracking_number']}" for t in shipment["tracking"])
        print(
            f"  shipment from {shipment['location']} via {shipment['fulfiller']}: "
            f"{shipment['status']} ({parcels or 'no parcel yet'})"
        )
    if order["reason"]:
        print(f"  reason: {order['reason']}")
    await asyncio.sleep(0.5)  # the channel update follows the dispatch
    print(f"  back on {platform}: {await told_the_channel(client, order)}")


async def told_the_channel(client: httpx.AsyncClient, order: dict[str, Any]) -> str:
    received = (await client.get(f"{STORE}/_received")).json()
    numbers = {t["tracking_number"] for s in order["shipments"] for t in s["tracking"]}
    fulfilments = [f for f in received["fulfillments"] if f["tracking_info"]["number"] in numbers]
    notes = [n for n in received["notes"] if n["order_id"] == order["channel_order_ref"]]
    status = received["statuses"].get(order["channel_order_ref"])
    told = [f"fulfilment with tracking {f['tracking_info']['number']}" for f in fulfilments]
    told += [f'note "{n["note"]}"' for n in notes] + ([f"status {status}"] if status else [])
    return ", ".join(told) or "nothing to tell yet"


async def main() -> None:
    secrets = Stack(ROOT / ".local" / "stack", 19092, 15432, 0).secrets()
    reader = {"Authorization": f"Bearer {secrets['CROSSDOCK_OPERATOR_TOKEN']}"}
    async with httpx.AsyncClient(timeout=10, headers=reader) as client:
        await demo_channels.list_products(client)
        await demo_catalog.publish_catalog(client)
        print("Receiving stock")
        await receive_stock(client, secrets["CROSSDOCK_ADMIN_TOKEN"])
        await demo_channels.reconcile(client, secrets["CROSSDOCK_ADMIN_TOKEN"], heal=True)

        await demo_channels.show_levels(client, "What every channel shows (available to sell)")
        for title, hook in scenarios(secrets):
            await play(client, title, hook)
        await cancel_before_dispatch(client, secrets)
        await refund_and_return(client, secrets)
        await demo_channels.sell_on_marketplace_and_pos(client)
        await demo_channels.show_levels(client, "Every channel after those sales")
        await demo_channels.reconcile(client, secrets["CROSSDOCK_ADMIN_TOKEN"])
        await demo_catalog.show_prices(client, "Prices from the ERP (USD; EUR on WooCommerce)")
        await demo_catalog.flash_sale(client)
        await demo_catalog.b2b(client, secrets)
        await demo_mapping.social_shop(client, secrets)
        print("\nStock now")
        for sku in dict.fromkeys(sku for sku, _, _ in RECEIVING):
            stock = (await client.get(f"{LEDGER}/stock/{sku}")).json()
            print(
                f"  {sku:<10} on hand {stock['on_hand']:>3}  reserved {stock['reserved']:>3}  "
                f"available {stock['available']:>3}"
            )
        balance = (await client.get(f"{BOOKS}/trial-balance")).json()
        print("\nBooks (trial balance)")
        for row in balance["accounts"]:
            print(
                f"  {row['currency']} {row['account']} {row['name']:<30} "
                f"Dr {row['debit_minor'] / 100:>10.2f}  Cr {row['credit_minor'] / 100:>10.2f}"
            )
        print(f"  balanced: {balance['balanced']}")
        await asyncio.sleep(1)  # exports follow the postings
        exported = (await client.get(f"{BOOKS}/exports?status=exported&limit=1000")).json()
        rejected = (await client.get(f"{BOOKS}/exports?status=rejected")).json()
        print(
            f"  exported to QuickBooks/Xero simulators: {len(exported['exports'])} entries, "
            f"rejected: {len(rejected['exports'])}"
        )
    print(
        "\nThe hub keeps running. Ops console: http://127.0.0.1:8000/console — sign in with"
        " CROSSDOCK_OPERATOR_TOKEN (read) or CROSSDOCK_ADMIN_TOKEN (replay, retry, approve)"
        " from .local/stack/secrets.env. APIs: orders at :8001/orders/<id>, stock at"
        " :8002/stock/<sku>, quarantine at :8000/quarantine, metrics at :800x/metrics."
        " `make down` stops it."
    )


if __name__ == "__main__":
    asyncio.run(main())
