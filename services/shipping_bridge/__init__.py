"""shipping-bridge: the edge to 3PLs.

Consumes: `fulfilment-requests` (ShipmentRequested, from the order-router).
Produces: `shipments` (ShipmentSentToFulfiller, ShipmentRefused, ShipmentDispatched,
ShipmentDelivered, ShipmentExceptionReported), keyed by order id.
Receives: the 3PL API (`/3pl/v1/...`): acknowledge, dispatch (partial and split
parcels), deliver, exceptions — each 3PL with its own key, seeing only its shipments.
Owns the invariants: every requested shipment reaches its 3PL exactly once (an
idempotency key per shipment, retries with backoff, a circuit breaker per 3PL); a
shipment's state never moves backwards; a 3PL can never ship more than was requested.
"""
