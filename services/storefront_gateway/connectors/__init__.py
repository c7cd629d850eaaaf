"""Connectors: every outbound call the gateway makes to a platform, one module per
platform, in the shape its documentation gives.

- `shopify/` (REST fulfilments; GraphQL stock, prices, details, new products),
  `woocommerce`, `marketplace`, `pos`, `edi` (856 ship notices), `erp`;
- `documents`: the documents a thin webhook names, read from the channel's API;
- `channel_api` (updates owed to a channel, refunds read back) and `adapters` (the stock
  adapter for a channel, in the hub's SKUs): what the wings call;
- `http.Endpoint`: the one way out — base URL, the platform's authentication
  (`auth_headers`), the channel's `budget.RateBudget` and one reading of every answer;
- `errors`: the one exception tree (`ConnectorError`: `Refused`, `Unavailable`,
  `StaleQuantity`, `Superseded`).

Connectors know channels' configuration and the X12 codec, never a wing: no SQL, no
Kafka, no HTTP route.
"""
