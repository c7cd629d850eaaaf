"""accounting-poster: the books, double entry, in PostgreSQL.

Consumes: `storefront-orders` (OrderPlaced: the amounts), `orders` (OrderStatusChanged:
a sale is booked once the order is reserved), `shipments` (ShipmentDispatched: cost of
goods leaves inventory).
Produces: nothing on Kafka yet; `GET /journal`, `GET /trial-balance`.
Owns the invariants: every entry balances (a deferred constraint checks it at commit);
each source is posted at most once; amounts are integer minor units, never re-rounded;
a posting that cannot be made (no cost for a SKU) is parked with its reason, never lost,
and posted when the cause is fixed.
"""
