"""Shopify stock over the GraphQL Admin API.

The quantity is set with `inventorySetQuantities`, passing `changeFromQuantity` — the
quantity we believe Shopify holds — so a push based on a stale view fails with
`CHANGE_FROM_QUANTITY_STALE` instead of overwriting a newer value. Throttling follows
`extensions.cost.throttleStatus` and the `THROTTLED` error.
"""

from typing import Any

import httpx

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.sync.budget import RateBudget
from services.storefront_gateway.sync.client import (
    PushDeferred,
    PushRejected,
    StaleQuantity,
    check,
)

API = "/admin/api/2025-10/graphql.json"

FIND = """query VariantBySku($q: String!) {
  productVariants(first: 1, query: $q) { nodes { sku inventoryItem { id } } }
}"""

SET = """mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}"""

LEVEL = """query Level($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { inventoryLevel(locationId: $location) {
    quantities(names: ["available"]) { name quantity } } }
}"""

READ = """query Levels($after: String, $location: ID!) {
  productVariants(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { sku inventoryItem { id inventoryLevel(locationId: $location) {
      quantities(names: ["available"]) { name quantity } } } }
  }
}"""


class ShopifyStock:
    def __init__(self, http: httpx.AsyncClient, channel: ChannelConfig, token: str) -> None:
        self._http = http
        self._url = (channel.api_url or "").rstrip("/") + API
        self._token = token
        self._location = channel.stock.platform_location_id if channel.stock else None

    async def query(self, budget: RateBudget, query: str, variables: dict[str, Any]) -> Any:
        await budget.acquire()
        try:
            response = await self._http.post(
                self._url,
                json={"query": query, "variables": variables},
                headers={"x-shopify-access-token": self._token},
                timeout=5.0,
            )
        except httpx.HTTPError as exc:
            raise PushDeferred(f"{type(exc).__name__}: {exc}") from exc
        document = check(response, budget).json()
        status = (document.get("extensions") or {}).get("cost", {}).get("throttleStatus")
        if status:
            budget.observe_cost(
                status["currentlyAvailable"], status["maximumAvailable"], status["restoreRate"]
            )
        errors = document.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
            budget.pause(1.0)
            raise PushDeferred("Shopify throttled the query", 1.0)
        if errors:
            raise PushRejected("; ".join(str(e.get("message")) for e in errors))
        return document["data"]

    async def find(self, budget: RateBudget, sku: str) -> dict[str, Any] | None:
        data = await self.query(budget, FIND, {"q": f'sku:"{sku}"'})
        nodes = [n for n in data["productVariants"]["nodes"] if n["sku"] == sku]
        return {"inventory_item_id": nodes[0]["inventoryItem"]["id"]} if nodes else None

    async def set(
        self,
        budget: RateBudget,
        sku: str,
        listing: dict[str, Any],
        quantity: int,
        version: int,
        previous: int | None,
    ) -> None:
        change = {
            "inventoryItemId": listing["inventory_item_id"],
            "locationId": self._location,
            "quantity": quantity,
            "changeFromQuantity": previous,
        }
        payload = {
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": f"crossdock://stock/{sku}?version={version}",
            "quantities": [change],
        }
        data = await self.query(budget, SET, {"input": payload})
        errors = data["inventorySetQuantities"]["userErrors"]
        if any(e.get("code") == "CHANGE_FROM_QUANTITY_STALE" for e in errors):
            raise StaleQuantity(errors[0]["message"], await self.current(budget, listing))
        if errors:
            raise PushRejected("; ".join(f"{e.get('field')}: {e['message']}" for e in errors))

    async def current(self, budget: RateBudget, listing: dict[str, Any]) -> int | None:
        variables = {"item": listing["inventory_item_id"], "location": self._location}
        data = await self.query(budget, LEVEL, variables)
        level = (data.get("inventoryItem") or {}).get("inventoryLevel")
        return int(level["quantities"][0]["quantity"]) if level else None

    async def read_all(self, budget: RateBudget) -> dict[str, int]:
        levels: dict[str, int] = {}
        after = None
        while True:
            data = await self.query(budget, READ, {"after": after, "location": self._location})
            page = data["productVariants"]
            for node in page["nodes"]:
                level = node["inventoryItem"]["inventoryLevel"]
                if node["sku"] and level:
                    levels[node["sku"]] = int(level["quantities"][0]["quantity"])
            if not page["pageInfo"]["hasNextPage"]:
                return levels
            after = page["pageInfo"]["endCursor"]
