"""The storefront-gateway's Kafka edge: each wing registers its own consumers (intake
consumes nothing: it takes deliveries over HTTP and files)."""

from services.storefront_gateway.catalog import subscribers as catalog
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.feedback import subscribers as feedback
from services.storefront_gateway.sync import subscribers as stock_sync
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime, channels: Channels) -> None:
    stock_sync.register(runtime, channels)
    catalog.register(runtime, channels)
    feedback.register(runtime, channels)
