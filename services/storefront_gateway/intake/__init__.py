"""The intake wing: every way an order reaches the hub, authenticated, stored before its
2xx, mapped to the canonical order, published once.

Receives: signed webhooks (Shopify, WooCommerce, BigCommerce, the marketplace, the point
of sale, a social shop), order files (feeds), EDI 850s (with the EDI kit); quarantined
deliveries and lines are replayed from here after a fix (`/quarantine`, remap); orders
its webhooks missed are read back from the channels' APIs (`order_pull`,
`POST /orders/reconcile`, every `CROSSDOCK_ORDER_RECONCILE_SECONDS`); a thin webhook's
order is fetched after its 2xx (`thin_webhooks`: held, retried while the store cannot
show it); Shopify's level reports go to the stock-sync wing (`sync.ports`).
Produces: `storefront-orders` (OrderPlaced, OrderPaid, OrderAmended,
OrderCancellationRequested, RefundIssued, keyed by order id); new customer accounts
handed to the ERP wing (`erp.ports`).
Owns: `deliveries`, `quarantined_lines`, `effects`, `channel_orders`, `sku_xref`,
`edi_acks`, `order_pulls`, `thin_webhooks`. Port: `intake.ports` (the channel's order,
for feedback).
Owns the invariants: a delivery is authenticated before anything happens; stored before
the 2xx; one order, cancellation and refund per platform resource; a line that cannot be
mapped is quarantined with its reason, never guessed and never dropped; an update
becomes an amendment only when what the hub carries changed, never older over newer.
"""
