"""The shipping-bridge's Kafka edge."""

from services.shipping_bridge import handlers
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentCancellationRequested, ShipmentRequested
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    # One consumer for both: a cancellation never overtakes its shipment's request.
    async def on_request(request: ShipmentRequested | ShipmentCancellationRequested) -> None:
        if isinstance(request, ShipmentRequested):
            await handlers.accept_request(request, runtime.uow())
        else:
            await handlers.request_cancellation(request, runtime.uow())

    runtime.consume(
        topics.FULFILMENT_REQUESTS,
        handlers.ACCEPT_REQUEST,
        Decoder(ShipmentRequested, ShipmentCancellationRequested),
        on_request,
    )
