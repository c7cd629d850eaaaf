"""inventory-ledger: the single source of truth for stock.

Consumes: `stock-commands` (ReserveStock, from the order-router).
Produces: `stock-reservations` (StockReserved / StockReservationRejected, keyed by order)
and `stock-levels` (StockLevelChanged, keyed by SKU).
Owns the invariant: for every (SKU, location), 0 <= reserved <= on_hand — enforced by
a CHECK constraint and by reserving only through conditional updates, so no
interleaving of concurrent orders can oversell. Each order's holding is the one
account a dispatch (`shipments`) and a release (`stock-commands`) of it settle against,
locked, so whichever topic delivers first, stock stays conserved (see dispatches.py).
"""
