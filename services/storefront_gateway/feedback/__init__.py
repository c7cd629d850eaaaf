"""The feedback wing: what became of an order goes back to its channel and its customer.

Consumes: `orders` (OrderStatusChanged: confirmed, cancelled, shipped;
OrderCancellationRefused: a cancellation that came after a parcel left, told to the
channel as tags on Shopify and a private note on WooCommerce), `shipments`
(ShipmentDispatched with tracking, ShipmentDelivered, ShipmentTrackingUpdated: the
carrier's scans as Shopify fulfillment events or a private WooCommerce note),
`storefront-orders` (RefundIssued, published by the intake wing: the customer hears how
much went back).
Produces: `customer-notifications` (CustomerNotificationRequested), and HTTP to each
channel's API (a Shopify fulfillment per parcel, a WooCommerce note and status, a
marketplace shipment, an EDI 856), and for channels Crossdock speaks for
(`customer_notices: crossdock`) mail to the customer over SMTP (`notices`).
Owns: `channel_updates` (status and tracking owed to channels, and mail owed to
customers, drained by the sender).
Reads through intake's port: the channel's order (its ref, line ids, customer email).
Owns the invariants: every update owed to a channel is sent until the channel takes it
or refuses it with a reason (kept for operators); each parcel's tracking reaches its
channel once, even when an update is sent again after its sender died; the customer
hears of each fact from one voice only (the platform or Crossdock), once.
"""
