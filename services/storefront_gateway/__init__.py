"""storefront-gateway: the hub's front door for sales channels.

Receives: signed storefront webhooks (Shopify `orders/create`, WooCommerce
`order.created`) over HTTP.
Produces: `storefront-orders` (OrderPlaced, keyed by order id).
Owns the invariants: a delivery is authenticated before anything happens; an accepted
delivery is stored durably before the 2xx and published exactly once through the
outbox; a redelivery changes nothing; a line that cannot be mapped is quarantined with
its reason, never guessed and never dropped.
"""
