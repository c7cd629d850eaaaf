"""BigCommerce's V2/V3 REST API (the store's `X-Auth-Token`), under the channel's
`api_url` (`https://api.bigcommerce.com/stores/{store_hash}`).

- Shipments back: `POST /v2/orders/{id}/shipments` with the order's shipping address
  id and each item's order product id
  (https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments);
  a shipment with the same tracking number already on the order is not made again.
- Refunds read back: `GET /v3/orders/{id}/payment_actions/refunds` (`data`), and the
  order's products, `GET /v2/orders/{id}/products`
  (https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds).
- Stock and prices: variants paged from `GET /v3/catalog/variants`, set in batches of 50
  with `PUT /v3/catalog/variants` (`inventory_level`; `price`, `sale_price`)
  (https://developer.bigcommerce.com/docs/rest-catalog/product-variants). The store's
  quota per window (`X-Rate-Limit-Requests-Left`, `X-Rate-Limit-Time-Reset-Ms`) is read
  by the endpoint (connectors/http.py).
"""

from typing import Any

from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.stock import (
    ChannelStock,
    Listed,
    ListingPush,
    Push,
    Results,
    price_fields,
)

VARIANTS = "/v3/catalog/variants"
PRODUCTS = "/v3/catalog/products"
# The carriers BigCommerce names in `tracking_carrier` (others go without one).
CARRIERS = {
    "ups": "ups",
    "usps": "usps",
    "fedex": "fedex",
    "dhl": "dhl",
    "royal mail": "royal-mail",
}


async def create_shipment(api: Endpoint, payload: dict[str, Any]) -> None:
    order = payload["channel_order_ref"]
    existing = await api.call("GET", f"/v2/orders/{order}/shipments")
    if isinstance(existing, list) and any(
        s.get("tracking_number") == payload["tracking_number"] for s in existing
    ):
        return  # sent before (its answer was lost): one shipment per parcel
    addresses = await api.call("GET", f"/v2/orders/{order}/shipping_addresses")
    if not isinstance(addresses, list) or not addresses:
        raise Refused(f"order {order} has no shipping address to ship against")
    items = [
        {"order_product_id": int(item["line_ref"]), "quantity": item["quantity"]}
        for item in payload["line_items"]
        if str(item.get("line_ref") or "").isdigit()
    ]
    if not items:
        raise Refused(f"order {order}: none of the parcel's lines is an order product")
    body: dict[str, Any] = {
        "order_address_id": addresses[0]["id"],
        "tracking_number": payload["tracking_number"],
        "items": items,
        "comments": f"Shipped with {payload['carrier']}",
    }
    carrier = CARRIERS.get(str(payload["carrier"]).strip().lower())
    if carrier:
        body["tracking_carrier"] = carrier
    if payload.get("tracking_url"):
        body["tracking_link"] = payload["tracking_url"]
    await api.call("POST", f"/v2/orders/{order}/shipments", json=body)


async def refunds(api: Endpoint, order_ref: str) -> list[dict[str, Any]]:
    found = await api.call("GET", f"/v3/orders/{order_ref}/payment_actions/refunds")
    data = found.get("data") if isinstance(found, dict) else None
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


async def order_products(api: Endpoint, order_ref: str) -> list[dict[str, Any]]:
    found = await api.call("GET", f"/v2/orders/{order_ref}/products")
    return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []


class BigCommerceStock(ChannelStock):
    max_batch = 50  # PUT /v3/catalog/variants takes up to 50 variants a call

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        found: dict[str, Listed] = {}
        page, pages = 1, 1
        while page <= pages:
            params = {"page": page, "limit": 250, "include_fields": "sku,inventory_level"}
            answer = await self.call(budget, "GET", VARIANTS, params=params)
            for variant in answer.get("data", []):
                if variant.get("sku"):
                    ids = {"variant_id": variant["id"], "product_id": variant["product_id"]}
                    found[variant["sku"]] = Listed(ids, int(variant.get("inventory_level") or 0))
            pages = int(answer.get("meta", {}).get("pagination", {}).get("total_pages") or 1)
            page += 1
        return found

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        update = [{"id": p.listing["variant_id"], "inventory_level": p.quantity} for p in pushes]
        return await self._variants(budget, pushes, update)

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """A compare-at price is the variant's price, ours its sale price."""
        update = []
        for p in pushes:
            price, compare_at = price_fields(p.payload)
            regular, sale = (compare_at, price) if compare_at else (price, "0")
            update.append(
                {"id": p.listing["variant_id"], "price": float(regular), "sale_price": float(sale)}
            )
        return await self._variants(budget, pushes, update)

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        update = [
            {
                "id": p.listing["product_id"],
                "name": p.payload["title"],
                "description": p.payload.get("description") or "",
            }
            for p in pushes
        ]
        await self.call(budget, "PUT", PRODUCTS, json=update)
        return {p.sku: None for p in pushes}

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        return {
            p.sku: Refused("new BigCommerce products are listed by the merchant") for p in pushes
        }

    async def _variants(
        self, budget: RateBudget, pushes: list[Push] | list[ListingPush], update: list[Any]
    ) -> Results:
        """The batch is all or nothing: a 422 names what it refused, for every variant."""
        await self.call(budget, "PUT", VARIANTS, json=update)
        return {p.sku: None for p in pushes}
