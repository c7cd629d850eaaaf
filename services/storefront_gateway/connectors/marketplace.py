"""The marketplace's seller API (bearer token).

Listings through `GET /v1/listings` (paged); quantities through
`PUT /v1/listings/quantities` (up to 50, each with a `sequence`: the marketplace refuses
one older than it has applied); prices, attributes and new listings likewise per SKU;
each shipment confirmed with its tracking per seller SKU.
"""

from typing import Any

from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.stock import (
    ChannelStock,
    Listed,
    ListingPush,
    Push,
    Results,
    as_listed,
    item_results,
    listing_title,
    paged_catalog,
    price_fields,
)


async def confirm_shipment(api: Endpoint, payload: dict[str, Any]) -> None:
    body = {
        "carrier": payload["carrier"],
        "tracking_number": payload["tracking_number"],
        "tracking_url": payload.get("tracking_url"),
        "items": [
            {"seller_sku": i["sku"], "quantity": i["quantity"]} for i in payload["line_items"]
        ],
    }
    await api.call("POST", f"/v1/orders/{payload['channel_order_ref']}/shipments", json=body)


class MarketplaceStock(ChannelStock):
    max_batch = 50

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        return await paged_catalog(self, budget, "/v1/listings", "listings", "quantity")

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        items = [
            {"sku": p.listing["sku"], "quantity": p.quantity, "sequence": p.version} for p in pushes
        ]
        answer = await self.call(budget, "PUT", "/v1/listings/quantities", json={"items": items})
        return item_results(pushes, answer["results"])

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = []
        for p in pushes:
            price, compare_at = price_fields(p.payload)
            item = {"sku": p.listing["sku"], "price": price, "currency": p.payload["currency"]}
            items.append({**item, "list_price": compare_at})
        answer = await self.call(budget, "PUT", "/v1/listings/prices", json={"items": items})
        return item_results(pushes, answer["results"])

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = [{"sku": p.listing["sku"], **_attributes(p.payload)} for p in pushes]
        answer = await self.call(budget, "PUT", "/v1/listings/attributes", json={"items": items})
        return item_results(pushes, answer["results"])

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = [
            {
                "sku": self.channel_sku(p.sku),
                **_attributes(p.payload),
                "title": listing_title(p.payload),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "POST", "/v1/listings", json={"items": items})
        return item_results(as_listed(self, pushes), answer["results"])


def _attributes(details: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": details["title"],
        "description": details.get("description") or "",
        "gtin": details.get("barcode"),
        "weight_grams": details.get("weight_grams"),
    }
