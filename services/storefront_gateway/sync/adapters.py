"""Which stock adapter speaks to which channel."""

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.sync.client import RestStock, StockAdapter
from services.storefront_gateway.sync.shopify_stock import ShopifyStock


def adapter_for(http: httpx.AsyncClient, channel: ChannelConfig, token: str) -> StockAdapter:
    if channel.platform is Platform.SHOPIFY:
        return ShopifyStock(http, channel, token)
    return RestStock(http, channel, token)
