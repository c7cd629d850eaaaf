"""Signed storefront orders travel the real path: gateway -> Kafka -> router -> ledger."""

import random

import httpx

from simulators.storefronts import (
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub


def unique_sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


def order_number() -> int:
    return random.randrange(10**11, 10**12)


async def test_signed_shopify_order_is_reserved_and_visible(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = unique_sku("TEE")
    await hub.set_stock(client, sku, "wh-2", 10)
    hook = signed_shopify(
        shopify_order(order_number(), [Line(sku, 3, "19.99")]), hub.shop, hub.shopify_secret
    )

    response = await hub.deliver(client, hook)

    assert response.status_code == 200, response.text
    order = await hub.order_in(client, response.json()["order_id"], {"sent_to_fulfilment"})
    assert order["allocations"] == [{"sku": sku, "location": "wh-2", "quantity": 3}]
    assert [t["event_type"] for t in order["timeline"]][:2] == ["OrderPlaced", "StockReserved"]
    stock = await hub.stock(client, sku)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 3, 7)


async def test_signed_woocommerce_order_is_reserved_with_fees_in_the_money(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = unique_sku("MUG")
    await hub.set_stock(client, sku, "wh-1", 4)
    payload = woocommerce_order(
        order_number(), [Line(sku, 2, "12.50")], fees=[("Gift wrap", "3.00")]
    )

    response = await hub.deliver(client, signed_woocommerce(payload, hub.woo, hub.woo_secret))

    assert response.status_code == 200, response.text
    order = await hub.order_in(client, response.json()["order_id"], {"sent_to_fulfilment"})
    assert order["totals"]["total_minor"] == 2500 + 300 + 490
    assert [line["kind"] for line in order["lines"]] == ["stock", "non_stock"]
    assert (await hub.stock(client, sku))["reserved"] == 2


async def test_order_short_of_stock_is_rejected_naming_the_short_line(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    plenty, scarce = unique_sku("PLENTY"), unique_sku("SCARCE")
    await hub.set_stock(client, plenty, "wh-1", 100)
    await hub.set_stock(client, scarce, "wh-1", 1)
    lines = [Line(plenty, 5, "2.00"), Line(scarce, 2, "2.00")]
    hook = signed_shopify(shopify_order(order_number(), lines), hub.shop, hub.shopify_secret)

    order = await hub.settled_order(client, (await hub.deliver(client, hook)).json()["order_id"])

    assert order["status"] == "rejected"
    assert scarce in order["reason"] and "requested 2, available 1" in order["reason"]
    assert (await hub.stock(client, plenty))["reserved"] == 0, "all lines or none"


async def test_unmapped_line_is_quarantined_and_the_rest_is_reserved(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = unique_sku("CAP")
    await hub.set_stock(client, sku, "wh-1", 5)
    lines = [
        Line(sku, 1, "15.00"),
        Line(None, 1, "9.00", title="Mystery box", variant_id=424242),
        Line(None, 1, "2.00", title="Tip", requires_shipping=False),
    ]
    hook = signed_shopify(shopify_order(order_number(), lines), hub.shop, hub.shopify_secret)

    response = await hub.deliver(client, hook)

    assert response.status_code == 200
    assert (
        "line 'Mystery box': order.lines[1].sku: unknown channel:variant_skus '424242'"
        in response.json()["unmapped_lines"][0]["reason"]
    )
    order = await hub.order_in(client, response.json()["order_id"], {"sent_to_fulfilment"})
    assert order["allocations"] == [{"sku": sku, "location": "wh-1", "quantity": 1}]
    assert order["totals"]["items_minor"] == 1500 + 900 + 200
    quarantine = (await client.get(hub.url("storefront-gateway", "/quarantine"))).json()
    assert any(
        line["order_id"] == order["order_id"] and line["title"] == "Mystery box"
        for line in quarantine["lines"]
    )


async def test_line_without_sku_maps_through_the_channels_variant_table(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    await hub.set_stock(client, "SKU-BY-VARIANT", "wh-1", 1_000_000)
    line = Line(None, 1, "5.00", title="Known variant", variant_id=777)
    hook = signed_shopify(shopify_order(order_number(), [line]), hub.shop, hub.shopify_secret)

    order = await hub.settled_order(client, (await hub.deliver(client, hook)).json()["order_id"])

    assert order["status"] in ("reserved", "sent_to_fulfilment")
    assert order["lines"][0]["sku"] == "SKU-BY-VARIANT"
