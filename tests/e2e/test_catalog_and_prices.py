"""Products and prices from the ERP reach every channel in its own shape; a flash sale
starts and ends on every channel on time — real Kafka and PostgreSQL, simulators as
real HTTP servers."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.support.channels import (
    CHANNELS,
    erp_put,
    levels,
    list_everywhere,
    price_calls,
    prices,
)
from tests.support.hub import Hub
from tests.support.waiting import eventually


def new_sku() -> str:
    return f"CAT-{uuid.uuid4().hex[:8].upper()}"


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def everywhere(hub: Hub, client: httpx.AsyncClient, sku: str, cents: int) -> bool:
    shown = [(await prices(hub, client, c)).get(sku) for c in CHANNELS]
    return shown == [cents] * len(CHANNELS)


async def test_a_standing_price_from_the_erp_reaches_every_channel(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = new_sku()
    await list_everywhere(hub, client, [sku])
    await erp_put(
        hub,
        client,
        "prices",
        [{"id": f"{sku}-std", "sku": sku, "currency": "USD", "amount": "24.00"}],
    )
    await eventually(lambda: everywhere(hub, client, sku, 2400))
    # The same entry again, with a new price: every channel follows.
    await erp_put(
        hub,
        client,
        "prices",
        [{"id": f"{sku}-std", "sku": sku, "currency": "USD", "amount": "22.50"}],
    )
    await eventually(lambda: everywhere(hub, client, sku, 2250))


async def test_a_flash_sale_starts_and_ends_on_every_channel_and_never_early(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = new_sku()
    await list_everywhere(hub, client, [sku])
    await erp_put(
        hub,
        client,
        "prices",
        [{"id": f"{sku}-std", "sku": sku, "currency": "USD", "amount": "30.00"}],
    )
    await eventually(lambda: everywhere(hub, client, sku, 3000))
    starts = datetime.now(UTC) + timedelta(seconds=3)
    ends = starts + timedelta(seconds=3)
    sale = {
        "id": f"{sku}-flash",
        "sku": sku,
        "currency": "USD",
        "amount": "19.99",
        "compare_at": "30.00",
        "starts_at": iso(starts),
        "ends_at": iso(ends),
    }
    await erp_put(hub, client, "prices", [sale])
    await asyncio.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 0.1)
    await eventually(lambda: everywhere(hub, client, sku, 3000), timeout=10)
    for channel in CHANNELS:
        calls = [c for c in await price_calls(hub, client, channel) if sku in c["values"]]
        sale_calls = [c["t"] for c in calls if c["values"][sku] == 1999]
        back_calls = [
            c["t"] for c in calls if c["values"][sku] == 3000 and c["t"] > starts.timestamp()
        ]
        assert sale_calls, f"{channel} never got the sale price"
        assert min(sale_calls) >= starts.timestamp(), f"{channel} got the sale price early"
        assert back_calls and min(back_calls) >= ends.timestamp(), f"{channel}: {calls}"
        print(
            f"{channel}: sale price {min(sale_calls) - starts.timestamp():.3f}s after the start,"
            f" back {min(back_calls) - ends.timestamp():.3f}s after the end"
        )


async def test_product_details_reach_each_channel_in_its_own_shape(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = new_sku()
    await list_everywhere(hub, client, [sku])
    product = {
        "sku": sku,
        "product_code": "TEE",
        "title": "Tee — black, M",
        "description": "Organic cotton",
        "barcode": "0123456789012",
        "weight_grams": 180,
        "options": {"colour": "black", "size": "M"},
    }
    await erp_put(hub, client, "products", [product])

    async def shown() -> bool:
        shop = (await client.get(hub.url("storefront-api", "/_products/shopify"))).json()[sku]
        woo = (await client.get(hub.url("storefront-api", "/_products/woocommerce"))).json()[sku]
        market = (await client.get(hub.url("marketplace", f"/_listing/{sku}"))).json()
        till = (await client.get(hub.url("pos", f"/_product/{sku}"))).json()
        return (
            (shop["title"], shop["barcode"], shop["grams"])
            == ("Tee — black, M", "0123456789012", 180)
            and (woo["name"], woo["global_unique_id"], woo["weight"])
            == ("Tee — black, M", "0123456789012", "0.18")
            and (market.get("title"), market.get("gtin")) == ("Tee — black, M", "0123456789012")
            and (till.get("name"), till.get("barcode")) == ("Tee — black, M", "0123456789012")
        )

    await eventually(shown)


async def test_an_erp_record_that_cannot_be_mapped_is_set_aside_with_the_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    bad, good = new_sku(), new_sku()
    await list_everywhere(hub, client, [good])
    await erp_put(
        hub,
        client,
        "prices",
        [
            {"id": f"{bad}-x", "sku": bad, "currency": "USD", "amount": "12.345"},
            {"id": f"{good}-std", "sku": good, "currency": "USD", "amount": "5.00"},
        ],
    )
    await eventually(lambda: everywhere(hub, client, good, 500))
    rejected = (await client.get(hub.url("storefront-gateway", "/erp/rejected"))).json()["rejected"]
    [mine] = [r for r in rejected if r["item"].get("sku") == bad]
    assert mine["kind"] == "prices" and "amount" in mine["reason"] and "decimals" in mine["reason"]


async def test_a_new_product_is_listed_on_every_channel_then_gets_its_price_and_stock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    code = f"NEW-{uuid.uuid4().hex[:6].upper()}"
    skus = [f"{code}-S", f"{code}-M"]
    products = [
        {
            "sku": sku,
            "product_code": code,
            "title": "Hoodie",
            "barcode": f"04{i:011d}",
            "weight_grams": 500,
            "options": {"size": sku[-1]},
        }
        for i, sku in enumerate(skus)
    ]
    await erp_put(hub, client, "products", products)
    prices_ = [{"id": f"{s}-std", "sku": s, "currency": "USD", "amount": "45.00"} for s in skus]
    await erp_put(hub, client, "prices", prices_)
    await hub.set_stock(client, skus[1], "wh-2", 12)

    async def listed_everywhere() -> bool:
        shop = (await client.get(hub.url("storefront-api", "/_products/shopify"))).json()
        woo = (await client.get(hub.url("storefront-api", "/_products/woocommerce"))).json()
        if not all(s in shop and s in woo for s in skus):
            return False
        # Shopify: one product with two variants told apart by size; WooCommerce: two
        # simple products whose names say which.
        same_product = shop[skus[0]]["product"] == shop[skus[1]]["product"]
        return same_product and woo[skus[1]]["name"] == "Hoodie (M)"

    await eventually(listed_everywhere)
    await eventually(lambda: everywhere(hub, client, skus[1], 4500))

    async def stocked() -> bool:
        # 12 units at wh-2: Shopify 12, WooCommerce 11 (buffer 1), marketplace 10 (10%),
        # the POS (which sells wh-2) 12.
        shown = [(await levels(hub, client, c)).get(skus[1]) for c in CHANNELS]
        return shown == [12, 11, 10, 12]

    await eventually(stocked)
