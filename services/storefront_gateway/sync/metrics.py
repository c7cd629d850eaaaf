"""Prometheus figures of channel stock sync, on the gateway's registry."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from services.storefront_gateway.catalog.ports import ListingMetrics


class SyncMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pushes = Counter(
            "crossdock_channel_stock_pushes",
            "Stock quantity calls to channels, by outcome.",
            ["channel", "outcome"],
            registry=registry,
        )
        self.lag_seconds = Histogram(
            "crossdock_channel_stock_lag_seconds",
            "From the first stock change a channel had not seen to the call that tells it.",
            ["channel"],
            buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60),
            registry=registry,
        )
        self.drift = Gauge(
            "crossdock_channel_stock_drift",
            "SKUs whose quantity on the channel differed from the ledger at the last check.",
            ["channel"],
            registry=registry,
        )
        self.listings = ListingMetrics(registry)
