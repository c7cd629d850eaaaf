"""The shipping-bridge's Kafka edge."""

from services.shipping_bridge import handlers, returns
from shared import topics
from shared.events.codec import Decoder
from shared.events.fulfilment import ShipmentCancellationRequested, ShipmentRequested
from shared.events.returns import ReturnExpected
from shared.runtime import ServiceRuntime


def register(runtime: ServiceRuntime) -> None:
    # One consumer for both: a cancellation never overtakes its shipment's request.
    async def on_request(
        request: ShipmentRequested | ShipmentCancellationRequested | ReturnExpected,
    ) -> None:
        if isinstance(request, ShipmentRequested):
            await handlers.accept_request(request, runtime.uow())
        elif isinstance(request, ShipmentCancellationRequested):
            await handlers.request_cancellation(request, runtime.uow())
        else:
            await returns.expect_return(request, runtime.uow(), handlers.ACCEPT_REQUEST)

    runtime.consume(
        topics.FULFILMENT_REQUESTS,
        handlers.ACCEPT_REQUEST,
        Decoder(*topics.FULFILMENT_REQUESTS.event_types),
        on_request,
    )
