"""Shopify stock over the GraphQL Admin API.

Quantities are set with `inventorySetQuantities` (many in one mutation), each passing
`changeFromQuantity` — the quantity we believe Shopify holds — so a push based on a
stale view fails with `CHANGE_FROM_QUANTITY_STALE` instead of overwriting what changed
there (Shopify lowers its own count when it sells). The mutation is all or nothing.
Throttling follows `extensions.cost.throttleStatus` and the `THROTTLED` error.
"""

from typing import Any

import httpx

from services.storefront_gateway.channels import StockTarget
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import (
    ConnectorError,
    Refused,
    StaleQuantity,
    Unavailable,
)
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.shopify import ADMIN
from services.storefront_gateway.connectors.shopify.listings import ShopifyListings
from services.storefront_gateway.connectors.stock import (
    STOCK_TIMEOUT_SECONDS,
    Listed,
    Push,
    Results,
)

GRAPHQL = f"{ADMIN}/graphql.json"

SET = """mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}"""

READ = """query Levels($after: String, $location: ID!) {
  productVariants(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku product { id } inventoryItem { id inventoryLevel(locationId: $location) {
      quantities(names: ["available"]) { name quantity } } } }
  }
}"""


class ShopifyStock(ShopifyListings):
    max_batch = 100

    def __init__(self, http: httpx.AsyncClient, target: StockTarget) -> None:
        self.api = Endpoint.of(http, target.channel, target.token, STOCK_TIMEOUT_SECONDS)
        self._location = target.stock.platform_location_id

    async def query(self, budget: RateBudget, query: str, variables: dict[str, Any]) -> Any:
        body = {"query": query, "variables": variables}
        document = await self.api.call("POST", GRAPHQL, budget, json=body)
        status = (document.get("extensions") or {}).get("cost", {}).get("throttleStatus")
        if status:
            budget.observe_cost(
                status["currentlyAvailable"], status["maximumAvailable"], status["restoreRate"]
            )
        errors = document.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
            budget.pause(1.0)
            raise Unavailable("Shopify throttled the query", 1.0)
        if errors:
            raise Refused("; ".join(str(e.get("message")) for e in errors))
        return document["data"]

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        found: dict[str, Listed] = {}
        after = None
        while True:
            data = await self.query(budget, READ, {"after": after, "location": self._location})
            page = data["productVariants"]
            for node in page["nodes"]:
                item = node["inventoryItem"]
                level = item["inventoryLevel"]
                if node["sku"] and level:
                    quantity = int(level["quantities"][0]["quantity"])
                    ids = {
                        "inventory_item_id": item["id"],
                        "variant_id": node["id"],
                        "product_id": node["product"]["id"],
                    }
                    found[node["sku"]] = Listed(ids, quantity)
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        sku = pushes[0].sku
        changes = [
            {
                "inventoryItemId": p.listing["inventory_item_id"],
                "locationId": self._location,
                "quantity": p.quantity,
                "changeFromQuantity": p.previous,
            }
            for p in pushes
        ]
        payload = {
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": f"crossdock://stock/{sku}?version={pushes[0].version}",
            "quantities": changes,
        }
        data = await self.query(budget, SET, {"input": payload})
        errors = data["inventorySetQuantities"]["userErrors"]
        if not errors:
            return {p.sku: None for p in pushes}
        # All or nothing: the items without an error of their own were not applied either.
        results: Results = {
            p.sku: Unavailable("not applied: another item in the call failed", 0.0) for p in pushes
        }
        for error in errors:
            index = _index(error.get("field"))
            failure: ConnectorError = (
                StaleQuantity(error["message"])
                if error.get("code") == "CHANGE_FROM_QUANTITY_STALE"
                else Refused(f"{error.get('code')}: {error['message']}")
            )
            for p in pushes if index is None else pushes[index : index + 1]:
                results[p.sku] = failure
        return results


def _index(field: list[str] | None) -> int | None:
    """`["input", "quantities", "3", "changeFromQuantity"]` -> 3."""
    if field and len(field) > 2 and field[1] == "quantities" and str(field[2]).isdigit():
        return int(field[2])
    return None
