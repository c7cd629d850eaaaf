"""What the rest of the gateway may ask of the ERP wing, and nothing more: intake hands
over a storefront's new customer account (Shopify `customers/create`), stored in the
request that acknowledges it, for the exporter to create in the ERP."""

from services.storefront_gateway.erp.accounts import ShopifyCustomer, remember

__all__ = ["ShopifyCustomer", "remember"]
