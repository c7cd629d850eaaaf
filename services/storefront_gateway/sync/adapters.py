"""Which stock adapter speaks to which channel."""

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.sync.client import StockAdapter
from services.storefront_gateway.sync.rest_stock import MarketplaceStock, PosStock, WooStock
from services.storefront_gateway.sync.shopify_stock import ShopifyStock


def adapter_for(http: httpx.AsyncClient, channel: ChannelConfig, token: str) -> StockAdapter:
    kinds: dict[Platform, type[ShopifyStock | WooStock | MarketplaceStock | PosStock]] = {
        Platform.SHOPIFY: ShopifyStock,
        Platform.WOOCOMMERCE: WooStock,
        Platform.MARKETPLACE: MarketplaceStock,
        Platform.POS: PosStock,
    }
    return kinds[channel.platform](http, channel, token)
