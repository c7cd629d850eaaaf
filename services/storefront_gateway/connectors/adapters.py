"""Which stock adapter speaks to which channel, seen through the hub's SKUs.

A channel may name a product differently (its `sku_aliases`): its catalog is read in its
own SKUs and handed on in the hub's; a listing remembers the channel's own identity, so
pushes reach the right product.
"""

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform, StockTarget
from services.storefront_gateway.connectors.bigcommerce import BigCommerceStock
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.marketplace import MarketplaceStock
from services.storefront_gateway.connectors.pos import PosStock
from services.storefront_gateway.connectors.shopify.stock import ShopifyStock
from services.storefront_gateway.connectors.stock import (
    Listed,
    ListingPush,
    Push,
    Results,
    StockAdapter,
)
from services.storefront_gateway.connectors.woocommerce import WooStock


class InHubSkus:
    def __init__(self, channel: ChannelConfig, adapter: StockAdapter) -> None:
        self._channel = channel
        self._adapter = adapter
        self.max_batch = adapter.max_batch

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        found = await self._adapter.catalog(budget)
        return {self._channel.sku_for(sku, None) or sku: listed for sku, listed in found.items()}

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        return await self._adapter.set_many(budget, pushes)

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        return await self._adapter.set_prices(budget, pushes)

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        return await self._adapter.set_details(budget, pushes)

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        return await self._adapter.create_listings(budget, pushes)


def adapter_for(http: httpx.AsyncClient, target: StockTarget) -> StockAdapter:
    kinds: dict[
        Platform, type[ShopifyStock | WooStock | MarketplaceStock | PosStock | BigCommerceStock]
    ] = {
        Platform.SHOPIFY: ShopifyStock,
        Platform.BIGCOMMERCE: BigCommerceStock,
        Platform.WOOCOMMERCE: WooStock,
        Platform.MARKETPLACE: MarketplaceStock,
        Platform.POS: PosStock,
    }
    return InHubSkus(target.channel, kinds[target.channel.platform](http, target))
