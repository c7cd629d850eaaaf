"""Channel stock sync: every channel shows the ledger's available-to-sell.

Consumes: `stock-levels` (the read model per SKU and location, newest version wins).
`handlers` turns it into the quantity each channel should show; `pusher` drains those to
the channels' APIs within each channel's rate budget, through the stock adapters of the
`connectors` package, and in the same turn the prices and details the catalog wing owes
the channel (through `catalog.ports`); `reconcile` reads the channels back and heals drift.
Serves: `POST /reconcile` (read every channel back now; a table or JSON report).
Owns: `location_stock`, `channel_stock`, `stock_drift`.
Owns the invariants: a channel never shows a negative quantity, an older stock level never
overwrites a newer one, and each channel's API is called within its budget.
"""
