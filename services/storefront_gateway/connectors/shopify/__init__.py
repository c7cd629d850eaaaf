"""Shopify's Admin API (`X-Shopify-Access-Token`, API version 2025-10).

- `fulfilments`: REST — a fulfillment per parcel against the order's fulfillment orders,
  with its tracking;
- `stock`: GraphQL — quantities with compare-and-set (`inventorySetQuantities`), the
  catalog with the quantities shown, throttling from the query cost;
- `listings`: GraphQL — prices, details and new products, a batch per document.
"""

ADMIN = "/admin/api/2025-10"
