"""inventory-ledger: the single source of truth for stock.

Consumes: `stock-commands` (ReserveStock, ReleaseStock, HandOverStock, ReallocateStock,
from the order-router), `shipments` (ShipmentDispatched: stock leaves; ReturnReceived: sellable
goods come back), `stock-counts` (StockCounted, from the storefront-gateway: a channel's
count of a location it is the master of).
Produces: `stock-reservations` (StockReserved, StockReservationRejected, StockReleased,
StockHandedOver, StockReallocated, keyed by order) and `stock-levels` (StockLevelChanged,
keyed by SKU).
Serves: `GET/PUT /stock/...` (counts per location), `GET /stock-audit`.
Owns the invariant: for every (SKU, location), 0 <= reserved <= on_hand — enforced by
a CHECK constraint and by reserving only through conditional updates, so no
interleaving of concurrent orders can oversell. Each order's holding is the one
account a dispatch (`shipments`) and a release (`stock-commands`) of it settle against,
locked, so whichever topic delivers first, stock stays conserved (see dispatches.py);
on hand is always the sum of its append-only movements. A refused shipment's stock
moves (released there, reserved at the next location) in one transaction. A snapshot
never creates a SKU or a location, and never applies an ambiguous or negative count.
A channel's count makes available-to-sell what the channel counts (reserved units kept
on top), never an older count over a newer one, never below zero.
"""
