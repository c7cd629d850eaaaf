"""The point of sale's inventory API (bearer token): counts, prices and products at the
outlet the channel sells from (`GET /api/inventory` paged, `PUT /api/inventory`,
`PUT /api/prices`, `PUT|POST /api/products`)."""

from services.storefront_gateway.connectors.budget import RateBudget
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
)


class PosStock(ChannelStock):
    max_batch = 100

    @property
    def outlet(self) -> str | None:
        return self.stock.platform_location_id

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        return await paged_catalog(self, budget, "/api/inventory", "inventory", "count")

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        counts = [{"sku": p.listing["sku"], "count": p.quantity} for p in pushes]
        body = {"outlet_id": self.outlet, "counts": counts}
        answer = await self.call(budget, "PUT", "/api/inventory", json=body)
        return item_results(pushes, answer["results"])

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        prices = [
            {"sku": p.listing["sku"], "price_minor": p.payload["amount_minor"]} for p in pushes
        ]
        body = {"outlet_id": self.outlet, "prices": prices}
        answer = await self.call(budget, "PUT", "/api/prices", json=body)
        return item_results(pushes, answer["results"])

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        products = [
            {
                "sku": p.listing["sku"],
                "name": p.payload["title"],
                "barcode": p.payload.get("barcode"),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "PUT", "/api/products", json={"products": products})
        return item_results(pushes, answer["results"])

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        products = [
            {
                "sku": self.channel_sku(p.sku),
                "name": listing_title(p.payload),
                "barcode": p.payload.get("barcode"),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "POST", "/api/products", json={"products": products})
        return item_results(as_listed(self, pushes), answer["results"])
