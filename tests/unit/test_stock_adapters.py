"""The stock adapters against the channel simulators, in process (httpx ASGI transport):
what each platform's API accepts, refuses, and how a stale push is kept out."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.storefront_gateway.channels import ChannelConfig, StockSync, StockTarget
from services.storefront_gateway.connectors.adapters import adapter_for as connector_for
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import (
    Refused,
    StaleQuantity,
    Superseded,
    Unavailable,
)
from services.storefront_gateway.connectors.stock import Push, StockAdapter
from simulators import marketplace, pos, storefront_api

BASE = "http://channel.test"


def channel(platform: str, **stock: Any) -> ChannelConfig:
    return ChannelConfig(
        id=f"{platform}-1",
        platform=platform,
        shop="S1",
        secret_env="X",
        api_url=BASE,
        api_token_env="T",
        stock=StockSync(**stock),
    )


def adapter_for(client: httpx.AsyncClient, config: ChannelConfig, token: str) -> StockAdapter:
    """The adapter the stock-sync wing gets for this channel, with this API token."""
    assert config.stock is not None
    return connector_for(client, StockTarget(config, config.stock, BASE, token))


def http(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))


def budget() -> RateBudget:
    return RateBudget(per_second=100, burst=100)


async def seed(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> None:
    (await client.post(BASE + path, json=body)).raise_for_status()


async def test_shopify_sets_many_quantities_and_reads_them_back() -> None:
    async with http(storefront_api.create_app("tok", "k", "s")) as client:
        await seed(client, "/_products/shopify", {"products": [{"sku": "A"}, {"sku": "B"}]})
        shop = adapter_for(
            client, channel("shopify", platform_location_id="gid://shopify/Location/1"), "tok"
        )
        listed = await shop.catalog(budget())
        pushes = [Push(s, listed[s].listing, q, 7, 0) for s, q in (("A", 4), ("B", 9))]
        assert await shop.set_many(budget(), pushes) == {"A": None, "B": None}
        assert {s: x.quantity for s, x in (await shop.catalog(budget())).items()} == {
            "A": 4,
            "B": 9,
        }


async def test_shopify_refuses_a_push_from_a_stale_view_and_applies_nothing() -> None:
    async with http(storefront_api.create_app("tok", "k", "s")) as client:
        await seed(
            client, "/_products/shopify", {"products": [{"sku": "A", "quantity": 5}, {"sku": "B"}]}
        )
        shop = adapter_for(
            client, channel("shopify", platform_location_id="gid://shopify/Location/1"), "tok"
        )
        listed = await shop.catalog(budget())
        # We believe A shows 6; Shopify sold one and shows 5.
        pushes = [Push("A", listed["A"].listing, 9, 8, 6), Push("B", listed["B"].listing, 3, 8, 0)]
        results = await shop.set_many(budget(), pushes)
        assert isinstance(results["A"], StaleQuantity)
        assert isinstance(results["B"], Unavailable)  # all or nothing
        assert {s: x.quantity for s, x in (await shop.catalog(budget())).items()} == {
            "A": 5,
            "B": 0,
        }


async def test_shopify_needs_its_access_token() -> None:
    async with http(storefront_api.create_app("tok", "k", "s")) as client:
        shop = adapter_for(
            client, channel("shopify", platform_location_id="gid://shopify/Location/1"), "wrong"
        )
        with pytest.raises(Refused, match="401"):
            await shop.catalog(budget())


async def test_the_marketplace_never_lets_an_older_level_overwrite_a_newer_one() -> None:
    async with http(marketplace.create_app("tok", "sec", "S1", "http://hub")) as client:
        await seed(client, "/_listings", {"listings": [{"sku": "A"}]})
        market = adapter_for(client, channel("marketplace"), "tok")
        listing = {"sku": "A"}
        assert await market.set_many(budget(), [Push("A", listing, 3, 12, None)]) == {"A": None}
        late = await market.set_many(budget(), [Push("A", listing, 9, 10, None)])
        assert isinstance(late["A"], Superseded)
        assert (await market.catalog(budget()))["A"].quantity == 3


async def test_the_marketplace_refuses_a_burst_with_429_and_the_budget_obeys() -> None:
    async with http(marketplace.create_app("tok", "sec", "S1", "http://hub")) as client:
        await seed(client, "/_listings", {"listings": [{"sku": "A"}]})
        market = adapter_for(client, channel("marketplace"), "tok")
        generous = RateBudget(per_second=50, burst=50)
        with pytest.raises(Unavailable, match="429") as refused:
            for _ in range(10):
                await market.catalog(generous)
        assert refused.value.retry_after is not None and refused.value.retry_after >= 1
        assert generous.wait_seconds() > 0.9  # paused as the marketplace asked


async def test_the_marketplace_reports_an_unknown_listing_per_item() -> None:
    async with http(marketplace.create_app("tok", "sec", "S1", "http://hub")) as client:
        await seed(client, "/_listings", {"listings": [{"sku": "A"}]})
        market = adapter_for(client, channel("marketplace"), "tok")
        pushes = [Push("A", {"sku": "A"}, 1, 1, None), Push("GONE", {"sku": "GONE"}, 1, 1, None)]
        results = await market.set_many(budget(), pushes)
        assert results["A"] is None
        assert isinstance(results["GONE"], Refused) and "not_found" in str(results["GONE"])


async def test_woocommerce_batch_refuses_only_the_unknown_product() -> None:
    async with http(storefront_api.create_app("tok", "k", "s")) as client:
        await seed(client, "/_products/woocommerce", {"products": [{"sku": "A"}]})
        woo = adapter_for(client, channel("woocommerce"), "k:s")
        listed = await woo.catalog(budget())
        pushes = [Push("A", listed["A"].listing, 6, 1, None), Push("B", {"id": 999999}, 2, 1, None)]
        results = await woo.set_many(budget(), pushes)
        assert results["A"] is None and isinstance(results["B"], Refused)
        assert (await woo.catalog(budget()))["A"].quantity == 6


async def test_the_point_of_sale_takes_counts_for_its_own_outlet_only() -> None:
    app = pos.create_app("tok", "sec", "A1", "outlet-1", "http://hub")
    async with http(app) as client:
        await seed(client, "/_products", {"products": [{"sku": "A"}]})
        mine = adapter_for(client, channel("pos", platform_location_id="outlet-1"), "tok")
        assert await mine.set_many(budget(), [Push("A", {"sku": "A"}, 4, 1, None)]) == {"A": None}
        other = adapter_for(client, channel("pos", platform_location_id="outlet-9"), "tok")
        with pytest.raises(Refused, match="422"):
            await other.set_many(budget(), [Push("A", {"sku": "A"}, 1, 2, None)])
        assert (await mine.catalog(budget()))["A"].quantity == 4


async def test_a_channel_that_cannot_be_reached_defers_the_push() -> None:
    async def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        market = adapter_for(client, channel("marketplace"), "tok")
        with pytest.raises(Unavailable, match="ConnectError"):
            await market.set_many(budget(), [Push("A", {"sku": "A"}, 1, 1, None)])
    await asyncio.sleep(0)
