"""Stock over REST: WooCommerce, the marketplace and the point of sale."""

from typing import Any

from services.storefront_gateway.sync.budget import RateBudget
from services.storefront_gateway.sync.client import (
    WOO_API,
    Listed,
    Push,
    PushRejected,
    RestApi,
    Results,
    Superseded,
)


class WooStock(RestApi):
    """`GET /products` (paged) and `POST /products/batch` (up to 100 updates)."""

    max_batch = 100

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        found: dict[str, Listed] = {}
        page = 1
        while True:
            params = {"per_page": 100, "page": page}
            items = await self.call(budget, "GET", f"{WOO_API}/products", params=params)
            for p in items:
                if p.get("sku"):
                    found[p["sku"]] = Listed({"id": p["id"]}, int(p.get("stock_quantity") or 0))
            if len(items) < 100:
                return found
            page += 1

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        update = [
            {"id": p.listing["id"], "manage_stock": True, "stock_quantity": p.quantity}
            for p in pushes
        ]
        answer = await self.call(
            budget, "POST", f"{WOO_API}/products/batch", json={"update": update}
        )
        by_id = {p.listing["id"]: p.sku for p in pushes}
        results: Results = {p.sku: PushRejected("not in the batch answer") for p in pushes}
        for item in answer.get("update", []):
            sku = by_id.get(item.get("id"))
            if sku is not None:
                error = item.get("error")
                results[sku] = PushRejected(str(error.get("message"))) if error else None
        return results


class MarketplaceStock(RestApi):
    """`GET /v1/listings` (paged) and `PUT /v1/listings/quantities` (up to 50, each with a
    sequence; the marketplace refuses one older than it has applied)."""

    max_batch = 50

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        return await _paged(self, budget, "/v1/listings", "listings", "quantity")

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        items = [
            {"sku": p.listing["sku"], "quantity": p.quantity, "sequence": p.version} for p in pushes
        ]
        answer = await self.call(budget, "PUT", "/v1/listings/quantities", json={"items": items})
        return _item_results(pushes, answer["results"])


class PosStock(RestApi):
    """`GET /api/inventory` (paged) and `PUT /api/inventory` (counts at one outlet)."""

    max_batch = 100

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        return await _paged(self, budget, "/api/inventory", "inventory", "count")

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        outlet = self.channel.stock.platform_location_id if self.channel.stock else None
        body = {
            "outlet_id": outlet,
            "counts": [{"sku": p.listing["sku"], "count": p.quantity} for p in pushes],
        }
        answer = await self.call(budget, "PUT", "/api/inventory", json=body)
        return _item_results(pushes, answer["results"])


async def _paged(
    api: RestApi, budget: RateBudget, path: str, key: str, quantity: str
) -> dict[str, Listed]:
    found: dict[str, Listed] = {}
    page: int | None = 1
    while page is not None:
        answer = await api.call(budget, "GET", path, params={"page": page})
        for item in answer[key]:
            found[item["sku"]] = Listed({"sku": item["sku"]}, int(item[quantity]))
        page = answer.get("next_page")
    return found


def _item_results(pushes: list[Push], answers: list[dict[str, Any]]) -> Results:
    """Per-item answers (keyed by the channel's SKU) back to the hub's SKUs."""
    hub_sku = {p.listing["sku"]: p.sku for p in pushes}
    results: Results = {p.sku: PushRejected("not in the answer") for p in pushes}
    for item in answers:
        sku = hub_sku.get(item.get("sku"))
        status = str(item.get("status", "")).lower()
        if sku is None:
            continue
        if status in ("accepted", "ok"):
            results[sku] = None
        elif status == "stale":
            results[sku] = Superseded(str(item.get("message", "older sequence")))
        else:
            results[sku] = PushRejected(f"{status}: {item.get('message', '')}")
    return results
