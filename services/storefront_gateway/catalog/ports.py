"""What the rest of the gateway may ask of the catalog wing: the stock-sync wing's
per-channel pusher drains the prices and details a channel is owed (`ListingUpdates`)
in the same turn and budget as its stock, so one process calls each channel."""

from services.storefront_gateway.catalog.listing_updates import ListingUpdates, OnListed
from services.storefront_gateway.catalog.metrics import ListingMetrics

__all__ = ["ListingMetrics", "ListingUpdates", "OnListed"]
