"""storefront-gateway: the hub's front door for sales channels, and their way back.

Receives: signed webhooks of Shopify (orders, refunds, customers, inventory levels),
WooCommerce, BigCommerce, a marketplace, a point of sale and a social shop; EDI X12
850s over HTTP; order files over SFTP; ERP products, prices and customers (polled).
Consumes: `storefront-orders` (RefundIssued, its own: the customer is told of the
refund), `stock-levels` (StockLevelChanged: what each channel should show), `orders`
(OrderStatusChanged: status back to channels), `shipments` (ShipmentDispatched,
ShipmentDelivered, ShipmentTrackingUpdated: tracking back to channels), `catalog` (ProductChanged,
PriceScheduled: listings and prices to channels), `customers` (CustomerChanged:
B2B price lists).
Produces: `storefront-orders` (OrderPlaced, OrderPaid, OrderAmended,
OrderCancellationRequested, RefundIssued, keyed by order id), `customer-notifications`
(CustomerNotificationRequested), `stock-counts` (StockCounted: a channel's own count of
a location it is the master of, from Shopify `inventory_levels/update`), and, from the
ERP, `catalog` (ProductChanged, PriceScheduled) and `customers` (CustomerChanged).
Serves: the ops console (`/console`, the `console` wing: orders, stock, problems and
flow for the people who run the hub, each read on the operator's own token from the
service that owns it) and the operators' APIs of each wing.
Owns the invariants: a delivery is authenticated before anything happens; an accepted
delivery is stored durably before the 2xx and published exactly once through the
outbox; one order, cancellation and refund per platform resource, whatever header
carried it; a line that cannot be mapped is quarantined with its reason, never guessed
and never dropped; each channel converges on the ledger's available-to-sell; each
parcel's tracking reaches its channel once.
"""
