"""Channel stock sync: every channel shows the ledger's available-to-sell.

Consumes: `stock-levels` (the read model per SKU and location, newest version wins).
`handlers` turns it into the quantity each channel should show; `pusher` drains those to
the channels' APIs within each channel's rate budget, through the stock adapters of the
`connectors` package, and in the same turn the prices and details the catalog wing owes
the channel (through `catalog.ports`); `reconcile` reads the channels back and heals drift.
Takes (from intake, through `ports`): Shopify `inventory_levels/update` — the store's
own report of a level, drift at the location the hub sets is corrected (`channel_levels`).
Serves: `POST /reconcile` (read every channel back now; a table or JSON report),
`PUT /channels/{id}/inventory-items` (which SKU each inventory item is, as CSV),
`GET /channels/{id}/levels/{sku}` (the channel's last reports and the drift seen),
`GET /channel-stock/{sku}` (per channel: owed, sent, drift), `GET /channel-pushes/failing`.
Owns: `location_stock`, `channel_stock`, `stock_drift`, `channel_inventory_items`,
`channel_levels`.
Owns the invariants: a channel never shows a negative quantity, an older stock level never
overwrites a newer one (the ledger's or the channel's), an untracked level is never a 0,
and each channel's API is called within its budget.
"""
