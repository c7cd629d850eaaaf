"""shipping-bridge: the edge to 3PLs.

Consumes: `fulfilment-requests` (ShipmentRequested, ShipmentCancellationRequested,
ReturnExpected, from the order-router).
Produces: `shipments` (ShipmentSentToFulfiller, ShipmentRefused, ShipmentDispatched,
ShipmentDelivered, ShipmentExceptionReported, ShipmentTrackingUpdated, ShipmentCancelled,
ShipmentCancellationFailed, ReturnReceived), keyed by order id.
Receives: the 3PL API (`/3pl/v1/...`): acknowledge, dispatch (partial and split
parcels), deliver, exceptions — each 3PL with its own key, seeing only its shipments;
X12 856 ship notices on `/3pl/v1/edi` (packs become dispatches, a 997 back, a re-sent
interchange a duplicate).
Asks: each 3PL's status API after a shipment whose callbacks went quiet
(`CROSSDOCK_SHIPMENT_QUIET_SECONDS`), recording the parcels it had not reported.
Owns the invariants: every requested shipment reaches its 3PL exactly once (an
idempotency key per shipment, retries with backoff, a circuit breaker per 3PL); a
shipment's state never moves backwards; a 3PL can never ship more than was requested;
a shipment is called off only on the 3PL's word (a timed-out request is asked again,
never taken for a refusal or a success), and a dispatch that overtook a cancellation
stands; of a shipment part of which left, only what the 3PL says it stopped is called
off (ShipmentCancelled with its `remainder`), the shipment being what left; a tracking
number belongs to one 3PL; every report counts once; what a 3PL shipped reaches the
ledger even when its callback was lost.
"""
