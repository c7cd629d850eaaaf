"""Stock over REST: WooCommerce, the marketplace and the point of sale."""

from typing import Any

from services.storefront_gateway.sync.budget import RateBudget
from services.storefront_gateway.sync.client import (
    WOO_API,
    Listed,
    ListingPush,
    Push,
    PushRejected,
    RestApi,
    Results,
    Superseded,
    price_fields,
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
        return _batch_results(pushes, answer)

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """A compare-at price becomes the regular price and the price the sale price."""
        update = []
        for p in pushes:
            price, compare_at = price_fields(p.payload)
            regular, sale = (compare_at, price) if compare_at else (price, "")
            update.append({"id": p.listing["id"], "regular_price": regular, "sale_price": sale})
        answer = await self.call(
            budget, "POST", f"{WOO_API}/products/batch", json={"update": update}
        )
        return _batch_results(pushes, answer)

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        update = []
        for p in pushes:
            d = p.payload
            grams = d.get("weight_grams")
            update.append(
                {
                    "id": p.listing["id"],
                    "name": d["title"],
                    "description": d.get("description") or "",
                    "global_unique_id": d.get("barcode") or "",
                    "weight": f"{grams / 1000:g}" if grams is not None else "",
                }
            )
        answer = await self.call(
            budget, "POST", f"{WOO_API}/products/batch", json={"update": update}
        )
        return _batch_results(pushes, answer)

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """Simple products, stock managed by WooCommerce (and set by us), published."""
        create = [
            {
                "name": _title(p.payload),
                "sku": self.channel_sku(p.sku),
                "type": "simple",
                "status": "publish",
                "description": p.payload.get("description") or "",
                "global_unique_id": p.payload.get("barcode") or "",
                "manage_stock": True,
                "stock_quantity": 0,
            }
            for p in pushes
        ]
        body = {"create": create}
        answer = await self.call(budget, "POST", f"{WOO_API}/products/batch", json=body)
        results: Results = {p.sku: PushRejected("not in the batch answer") for p in pushes}
        for p, item in zip(pushes, answer.get("create", []), strict=False):
            error = item.get("error")
            results[p.sku] = PushRejected(str(error.get("message"))) if error else None
        return results


def _title(details: dict[str, Any]) -> str:
    """A variant listed on its own says which one it is: "Tee (black, M)"."""
    options = ", ".join(str(v) for v in (details.get("options") or {}).values())
    if options and options not in details["title"]:
        return f"{details['title']} ({options})"
    return str(details["title"])


def _batch_results(pushes: list[Push] | list[ListingPush], answer: dict[str, Any]) -> Results:
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

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = []
        for p in pushes:
            price, compare_at = price_fields(p.payload)
            item = {"sku": p.listing["sku"], "price": price, "currency": p.payload["currency"]}
            items.append({**item, "list_price": compare_at})
        answer = await self.call(budget, "PUT", "/v1/listings/prices", json={"items": items})
        return _item_results(pushes, answer["results"])

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = [
            {
                "sku": p.listing["sku"],
                "title": p.payload["title"],
                "description": p.payload.get("description") or "",
                "gtin": p.payload.get("barcode"),
                "weight_grams": p.payload.get("weight_grams"),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "PUT", "/v1/listings/attributes", json={"items": items})
        return _item_results(pushes, answer["results"])

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        items = [
            {
                "sku": self.channel_sku(p.sku),
                "title": _title(p.payload),
                "description": p.payload.get("description") or "",
                "gtin": p.payload.get("barcode"),
                "weight_grams": p.payload.get("weight_grams"),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "POST", "/v1/listings", json={"items": items})
        return _item_results(_as_listed(self, pushes), answer["results"])


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

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        outlet = self.channel.stock.platform_location_id if self.channel.stock else None
        prices = [
            {"sku": p.listing["sku"], "price_minor": p.payload["amount_minor"]} for p in pushes
        ]
        body = {"outlet_id": outlet, "prices": prices}
        answer = await self.call(budget, "PUT", "/api/prices", json=body)
        return _item_results(pushes, answer["results"])

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
        return _item_results(pushes, answer["results"])

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        products = [
            {
                "sku": self.channel_sku(p.sku),
                "name": _title(p.payload),
                "barcode": p.payload.get("barcode"),
            }
            for p in pushes
        ]
        answer = await self.call(budget, "POST", "/api/products", json={"products": products})
        return _item_results(_as_listed(self, pushes), answer["results"])


def _as_listed(api: RestApi, pushes: list[ListingPush]) -> list[ListingPush]:
    """New listings are known by the channel's SKU, as pushes to them will be."""
    return [ListingPush(p.sku, {"sku": api.channel_sku(p.sku)}, p.payload) for p in pushes]


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


def _item_results(pushes: list[Push] | list[ListingPush], answers: list[dict[str, Any]]) -> Results:
    """Per-item answers (keyed by the channel's SKU) back to the hub's SKUs."""
    hub_sku = {p.listing["sku"]: p.sku for p in pushes}
    results: Results = {p.sku: PushRejected("not in the answer") for p in pushes}
    for item in answers:
        sku = hub_sku.get(item.get("sku"))
        status = str(item.get("status", "")).lower()
        if sku is None:
            continue
        if status in ("accepted", "ok", "created"):
            results[sku] = None
        elif status == "stale":
            results[sku] = Superseded(str(item.get("message", "older sequence")))
        else:
            results[sku] = PushRejected(f"{status}: {item.get('message', '')}")
    return results
