"""Prometheus figures of prices and product details on the channels."""

from prometheus_client import CollectorRegistry, Counter, Histogram


class ListingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pushes = Counter(
            "crossdock_channel_listing_pushes",
            "Price and product-detail updates to channels, by outcome.",
            ["channel", "kind", "outcome"],
            registry=registry,
        )
        self.lag_seconds = Histogram(
            "crossdock_channel_listing_lag_seconds",
            "From a price or product change (or a price window's start/end) to the call.",
            ["channel", "kind"],
            buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60),
            registry=registry,
        )
