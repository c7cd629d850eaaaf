"""order-router: keeps every order's state and decides where it is fulfilled from.

Consumes: `storefront-orders` (OrderPlaced), `stock-reservations` (StockReserved,
StockReservationRejected).
Produces: `stock-commands` (ReserveStock, with locations in priority order) and
`orders` (OrderStatusChanged, one per transition).
Owns the invariant: an order moves only along the allowed transitions
(placed -> reserved | rejected), each transition recorded once, in its timeline.
"""
