"""The ERP/PIM connector: products, prices and customers from their system of record,
published as catalog and customer events; storefront accounts sent back to it."""
