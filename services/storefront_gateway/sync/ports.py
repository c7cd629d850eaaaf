"""What the rest of the gateway may ask of the stock-sync wing, and nothing more: intake
hands over a channel's own report of a stock level (Shopify `inventory_levels/update`)."""

from services.storefront_gateway.sync.channel_levels import (
    LevelOutcome,
    ShopifyInventoryLevel,
    take_level,
)

__all__ = ["LevelOutcome", "ShopifyInventoryLevel", "take_level"]
