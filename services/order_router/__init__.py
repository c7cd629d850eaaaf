"""order-router: keeps every order's state and decides where it is fulfilled from.

Consumes: `storefront-orders` (OrderPlaced, OrderPaid, OrderAmended,
OrderCancellationRequested, RefundIssued), `stock-reservations` (StockReserved,
StockReservationRejected, StockReleased, StockHandedOver, StockReallocated),
`stock-levels` (StockLevelChanged: backordered orders are tried again), `customers`
(CustomerChanged: B2B credit limits), `shipments` (every shipment event: the order
follows its parcels).
Produces: `stock-commands` (ReserveStock with locations in priority order, ReleaseStock,
HandOverStock, ReallocateStock when a 3PL refused or the channel amended the lines),
`fulfilment-requests` (ShipmentRequested, ShipmentCancellationRequested, ReturnExpected)
and `orders` (OrderStatusChanged, one per transition; OrderCancellationRefused;
OrderApproved), each keyed by order id.
Serves: `GET /orders/{id}` (status, timeline, shipments, tracking, money), `GET /orders`
(operators' search: channel and number, customer email, orders waiting on someone),
`GET /orders/flow` (orders per minute and channel, placed → reserved).
Owns the invariants: an order moves only along the allowed transitions, each recorded
once in its timeline; a shipped order stays shipped whatever a late cancellation says;
an order is reserved, shipped and refunded at most once per platform resource; an order
waiting for payment (its channel's `route_on_payment`) reserves nothing until OrderPaid;
a shipment a 3PL refused is tried at the next eligible location, and an order is flagged
fulfilment_failed only when none can fill it — its stock released, never left reserved
at the refusing location; an amended order is sent again only after every 3PL holding it
answered the call-off, its stock moved in one step, and an amendment after a parcel left
is refused with the reason.
"""
