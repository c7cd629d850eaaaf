"""The shipping-bridge's Kafka edge."""

from services.shipping_bridge import handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentRequested
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    async def on_request(request: ShipmentRequested) -> None:
        await handlers.accept_request(request, runtime.uow())

    runtime.consume(
        topics.FULFILMENT_REQUESTS, handlers.ACCEPT_REQUEST, Decoder(ShipmentRequested), on_request
    )
