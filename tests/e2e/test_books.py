"""Every accepted order is booked once, balanced, to the cent; cost of goods at dispatch."""

import asyncio
import random
import uuid
from decimal import Decimal

import httpx
import pytest

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    tax_inclusive_shopify_order,
    woocommerce_order,
)
from tests.support.hub import Hub


async def journal(hub: Hub, client: httpx.AsyncClient, order_id: str, kinds: set[str]) -> list:
    for _ in range(150):
        entries = (
            await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
        ).json()["entries"]
        if {e["kind"] for e in entries} >= kinds:
            return entries
        await asyncio.sleep(0.1)
    raise AssertionError(f"journal of {order_id} never had {kinds}: {entries}")


async def set_cost(hub: Hub, client: httpx.AsyncClient, sku: str, cents: int) -> dict:
    response = await client.put(
        hub.url("accounting-poster", f"/costs/{sku}"),
        json={"currency": "USD", "cost_minor": cents},
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    response.raise_for_status()
    return response.json()


def by_account(entry: dict) -> dict[str, tuple[int, int]]:
    return {line["account"]: (line["debit_minor"], line["credit_minor"]) for line in entry["lines"]}


@pytest.mark.usefixtures("shipping")
async def test_shipped_order_books_its_sale_and_its_cost_of_goods_to_the_cent(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"BOOK-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    await set_cost(hub, client, item, 412)
    payload = shopify_order(
        random.randrange(10**11, 10**12),
        [Line(item, 3, "19.99")],
        shipping="4.95",
        tax_rate="0.0875",
    )
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]

    entries = await journal(hub, client, order_id, {"sale", "cogs"})

    sale = next(e for e in entries if e["kind"] == "sale")
    assert by_account(sale) == {
        "1100": (5997 + 495 + 525, 0),
        "4000": (0, 5997),
        "4100": (0, 495),
        "2200": (0, 525),
    }
    cogs = next(e for e in entries if e["kind"] == "cogs")
    assert by_account(cogs) == {"5000": (1236, 0), "1300": (0, 1236)}
    assert [e["kind"] for e in entries].count("sale") == 1
    balance = (await client.get(hub.url("accounting-poster", "/trial-balance"))).json()
    assert balance["balanced"] is True


async def test_a_rejected_order_books_nothing(hub: Hub, client: httpx.AsyncClient) -> None:
    item = f"NOBOOK-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 1)
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "1.00")]),
        hub.shop,
        hub.shopify_secret,
    )
    order_id = (await hub.deliver(client, hook)).json()["order_id"]

    order = await hub.order_in(client, order_id, {"rejected"})

    assert order["status"] == "rejected"
    entries = (
        await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
    ).json()
    assert entries["entries"] == []


@pytest.mark.usefixtures("shipping")
async def test_cost_of_goods_without_a_cost_is_parked_then_posted_once_the_cost_is_set(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"NOCOST-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "10.00")]),
        hub.shop,
        hub.shopify_secret,
    )
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_in(client, order_id, {"delivered"})
    parked = (await client.get(hub.url("accounting-poster", "/parked"))).json()["parked"]
    assert any(item in p["reason"] for p in parked)

    result = await set_cost(hub, client, item, 300)

    assert result["parked_postings_now_posted"] >= 1
    entries = await journal(hub, client, order_id, {"sale", "cogs"})
    assert by_account(next(e for e in entries if e["kind"] == "cogs"))["5000"] == (600, 0)
    parked = (await client.get(hub.url("accounting-poster", "/parked"))).json()["parked"]
    assert not any(item in p["reason"] for p in parked)


async def test_a_b2b_order_gets_a_numbered_invoice_as_json_and_printable_html(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"B2B-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 50)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 20, "9.50")])
    payload["billing_address"] = {"company": "Acme & Co", "country_code": "US"}
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]

    async def invoice():
        response = await client.get(hub.url("accounting-poster", f"/invoices/{order_id}"))
        return response.json() if response.status_code == 200 else None

    for _ in range(100):
        document = await invoice()
        if document:
            break
        await asyncio.sleep(0.1)
    assert document["invoice_number"].startswith("INV-")
    assert document["totals"]["total_minor"] == int(Decimal(payload["total_price"]) * 100)
    html = (await client.get(hub.url("accounting-poster", f"/invoices/{order_id}/html"))).text
    assert document["invoice_number"] in html and "Acme &amp; Co" in html


async def test_a_consumer_order_gets_no_invoice(hub: Hub, client: httpx.AsyncClient) -> None:
    response = await client.get(hub.url("accounting-poster", f"/invoices/{uuid.uuid4()}"))
    assert response.status_code == 404


async def test_a_tax_inclusive_order_books_net_revenue_and_each_vat_rate_to_its_account(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The test hub's chart has VAT 7 % on 2207 and 19 % on 2219 (tests/support/hub_files)."""
    book, lamp = (f"VAT-{n}-{random.randrange(10**9)}" for n in (7, 19))
    for sku in (book, lamp):
        await hub.set_stock(client, sku, "wh-1", 5)
    payload = tax_inclusive_shopify_order(
        random.randrange(10**11, 10**12),
        [(Line(book, 1, "107.00"), "0.07"), (Line(lamp, 1, "119.00"), "0.19")],
        shipping="5.95",
        shipping_rate="0.19",
    )
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]

    [sale] = [e for e in await journal(hub, client, order_id, {"sale"}) if e["kind"] == "sale"]
    assert by_account(sale) == {
        "1100": (23195, 0),
        "4000": (0, 20000),  # 107.00 - 7.00 and 119.00 - 19.00
        "4100": (0, 500),  # 5.95 less its own 0.95 VAT
        "2207": (0, 700),
        "2219": (0, 1995),  # the lamp's 19.00 and the shipping's 0.95
    }


async def test_a_cancelled_order_is_reversed_once_posted_and_never_posted_before(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"VOID-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    payload = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "10.00")])
    order_id = (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]
    await journal(hub, client, order_id, {"sale"})
    cancel = signed_shopify(
        {**payload, "cancel_reason": "customer"}, hub.shop, hub.shopify_secret,
        topic="orders/cancelled",
    )  # fmt: skip
    assert (await hub.deliver(client, cancel)).status_code == 200
    entries = await journal(hub, client, order_id, {"sale", "void"})
    net: dict[str, int] = {}
    for entry in entries:
        for line in entry["lines"]:
            net[line["account"]] = net.get(line["account"], 0) + line["debit_minor"]
            net[line["account"]] -= line["credit_minor"]
    assert all(v == 0 for v in net.values()), net  # the sale, exactly undone
    [void] = [e for e in entries if e["kind"] == "void"]
    assert by_account(void)["1100"] == (0, 2000 + 200 + 500)

    # An order cancelled while it waits for stock was never a sale: it books nothing.
    short = f"VOID-SHORT-{random.randrange(10**9)}"
    woo = woocommerce_order(random.randrange(10**6, 10**7), [Line(short, 1, "4.00")])
    woo_id = (await hub.deliver(client, signed_woocommerce(woo, hub.woo, hub.woo_secret))).json()[
        "order_id"
    ]
    await hub.order_in(client, woo_id, {"backordered"})
    cancelled = signed_woocommerce(
        {**woo, "status": "cancelled", "date_modified_gmt": "2026-11-28T16:00:00"},
        hub.woo, hub.woo_secret, topic="order.updated",
    )  # fmt: skip
    assert (await hub.deliver(client, cancelled)).status_code == 200
    await hub.order_in(client, woo_id, {"cancelled"})
    await asyncio.sleep(1.0)  # what the poster would have booked by now, had it booked
    path = f"/journal?order_id={woo_id}"
    assert (await client.get(hub.url("accounting-poster", path))).json()["entries"] == []
