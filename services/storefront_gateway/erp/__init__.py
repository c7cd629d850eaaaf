"""The ERP wing: products, prices and customers from their system of record, published
as catalog and customer events; storefront accounts sent back to it.

Receives: the ERP/PIM's records, polled over HTTP (`CROSSDOCK_ERP_URL`).
Produces: `catalog` (ProductChanged, PriceScheduled), `customers` (CustomerChanged), each
record once per ERP revision; HTTP to the ERP (new storefront accounts, idempotently).
Owns: `erp_cursors`, `erp_rejected` (records that could not be mapped, with the field and
the reason), `account_exports`.
Serves: `GET /erp/rejected`, `GET /erp/accounts`. Port: `erp.ports` (intake hands over
new customer accounts).
"""
