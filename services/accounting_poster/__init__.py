"""accounting-poster: the books, double entry, in PostgreSQL, exported to QuickBooks
Online and Xero.

Consumes: `storefront-orders` (OrderPlaced: the amounts; OrderPaid; RefundIssued),
`orders` (OrderStatusChanged: a sale is booked once the order is reserved — and paid,
or shipped, as the chart's `recognise` policy says), `shipments`
(ShipmentDispatched: cost of goods leaves inventory; ReturnReceived: it comes back),
`stock-reservations` (StockHandedOver: a counter sale's goods leave the shop); `orders`
OrderStatusChanged to cancelled reverses a posted sale.
Produces: nothing on Kafka; `GET /journal`, `GET /trial-balance`, `GET /parked`, and
journals exported — idempotently (QuickBooks `requestid`, Xero `Idempotency-Key`), each
with a document number from its order's name — to the accounting systems of the
channel's legal entity (`entities`), in their home currency only; OAuth 2.0 access
tokens refreshed (the rotating refresh token kept), a refused refresh parking the
exports with the reason until an operator reconnects.
Posts: sales (tax-inclusive prices net of each line's own tax, shipping net of its own,
tax by rate to each rate's account, discounts as contra revenue or net as the chart
says), refunds (to the chart's returns account where it has one), the reversal of a
cancelled order's posted sale less its refunds (`void`; a sale not posted never is),
cost of goods.
Owns the invariants: every entry balances (a deferred constraint checks it at commit);
each source is posted at most once, one posting per refund; amounts are integer minor
units, never re-rounded; a posting that cannot be made yet (no cost for a SKU, goods
moved before their order's amounts arrived) is parked with its reason, never lost, and
posted when the cause is gone.
"""
