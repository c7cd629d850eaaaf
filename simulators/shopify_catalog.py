"""The simulated Shopify store's catalog and stock, as the GraphQL Admin API shows them:
`productVariants` (by `sku:` query, or paged), `inventoryItem` -> `inventoryLevel`,
`inventorySetQuantities` with `changeFromQuantity` (`CHANGE_FROM_QUANTITY_STALE` when
the store holds another quantity), `productSet`, `productVariantsBulkUpdate`,
`productUpdate`. Cost-based throttling: a bucket of 1000 points restoring 100/s (a
standard plan), 10 points a call, reported in `extensions.cost.throttleStatus`; an
empty bucket answers `THROTTLED`."""

import itertools
from datetime import UTC, datetime
from typing import Any

from simulators.calllog import CallLog
from simulators.ratelimit import TokenBucket

COST = 10.0
LOCATION = "gid://shopify/Location/1"


class ShopifyCatalog:
    def __init__(self, ids: "itertools.count[int]") -> None:
        self.shop: dict[str, dict[str, Any]] = {}  # sku -> {"item": gid, "available": n}
        self.ids = ids
        self.bucket = TokenBucket(rate=100.0, burst=1000)
        self.location = LOCATION
        self.log = CallLog()  # stock set, per call
        self.price_log = CallLog()
        # inventory_levels/update payloads not sent yet: Shopify reports every change of
        # a level, whoever made it (the hub's own pushes too).
        self.level_reports: list[dict[str, Any]] = []

    def graphql(self, body: dict[str, Any]) -> dict[str, Any]:
        throttled = not self.bucket.take(COST)
        cost = {
            "requestedQueryCost": COST,
            "throttleStatus": {
                "maximumAvailable": self.bucket.burst,
                "currentlyAvailable": round(self.bucket.tokens),
                "restoreRate": self.bucket.rate,
            },
        }
        if throttled:
            error = {"message": "Throttled", "extensions": {"code": "THROTTLED"}}
            return {"errors": [error], "extensions": {"cost": cost}}
        query, variables = body.get("query", ""), body.get("variables") or {}
        return {"data": self._run(query, variables), "extensions": {"cost": cost}}

    def _run(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        if "productSet" in query:
            return {name: self._product_set(spec) for name, spec in variables.items()}
        if "productVariantsBulkUpdate" in query or "productUpdate" in query:
            return self._listings(variables)
        if "inventorySetQuantities" in query:
            return {"inventorySetQuantities": self._set(variables["input"])}
        if "inventoryItem(" in query:
            found = next((v for v in self.shop.values() if v["item"] == variables["item"]), None)
            return {"inventoryItem": _item(found, variables["location"]) if found else None}
        wanted = variables.get("q", "")
        if wanted.startswith("sku:"):
            sku = wanted.removeprefix("sku:").strip('"')
            nodes = [_variant(sku, self.shop[sku], self.location)] if sku in self.shop else []
            return {"productVariants": {"nodes": nodes}}
        skus = sorted(self.shop)
        start = int(variables.get("after") or 0)
        page = skus[start : start + 100]
        more = start + 100 < len(skus)
        return {
            "productVariants": {
                "nodes": [_variant(s, self.shop[s], variables.get("location")) for s in page],
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + 100) if more else None},
            }
        }

    def _set(self, spec: dict[str, Any]) -> dict[str, Any]:
        errors = []
        for index, change in enumerate(spec["quantities"]):
            entry = next(
                (v for v in self.shop.values() if v["item"] == change["inventoryItemId"]), None
            )
            if entry is None or change["locationId"] != self.location:
                errors.append(
                    {"field": ["quantities"], "message": "not stocked", "code": "INVALID"}
                )
            elif change.get("changeFromQuantity") not in (None, entry["available"]):
                errors.append(
                    {
                        "field": ["input", "quantities", str(index), "changeFromQuantity"],
                        "message": "The specified compare quantity does not match the current"
                        " quantity",
                        "code": "CHANGE_FROM_QUANTITY_STALE",
                    }
                )
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        told = {}
        for change in spec["quantities"]:
            sku, entry = next(
                (s, v) for s, v in self.shop.items() if v["item"] == change["inventoryItemId"]
            )
            entry["available"] = int(change["quantity"])
            entry["sets"] += 1
            told[sku] = entry["available"]
            self._report_level(entry)
        self.log.record(told)
        return {"inventoryAdjustmentGroup": {"reason": spec.get("reason")}, "userErrors": []}

    def _product_set(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A new product with its variants (each tracked, at our one location)."""
        skus = [v["inventoryItem"]["sku"] for v in spec.get("variants") or []]
        taken = [sku for sku in skus if sku in self.shop]
        if not spec.get("title") or not skus or taken:
            message = f"SKU already exists: {taken}" if taken else "title and variants required"
            return {"product": None, "userErrors": [{"field": ["input"], "message": message}]}
        product = f"gid://shopify/Product/{next(self.ids)}"
        for variant in spec["variants"]:
            n = next(self.ids)
            weight = (variant["inventoryItem"].get("measurement") or {}).get("weight") or {}
            self.shop[variant["inventoryItem"]["sku"]] = {
                "item": f"gid://shopify/InventoryItem/{n}",
                "variant": f"gid://shopify/ProductVariant/{n}",
                "product": product,
                "available": 0,
                "sets": 0,
                "price": "0.00",
                "compare_at": None,
                "title": spec["title"],
                "description": spec.get("descriptionHtml", ""),
                "barcode": variant.get("barcode"),
                "grams": weight.get("value"),
                "options": {o["optionName"]: o["name"] for o in variant.get("optionValues", [])},
            }
        return {"product": {"id": product}, "userErrors": []}

    def _listings(self, variables: dict[str, Any]) -> dict[str, Any]:
        """Aliased `productVariantsBulkUpdate` ($pN, $vN) and `productUpdate` ($dN)."""
        data: dict[str, Any] = {}
        told: dict[str, Any] = {}
        for name, value in variables.items():
            if name.startswith("v"):
                product = variables["p" + name[1:]]
                errors = []
                for change in value:
                    found = [(k, e) for k, e in self.shop.items() if e["variant"] == change["id"]]
                    if not found or found[0][1]["product"] != product:
                        errors.append({"field": ["variants"], "message": "variant not found"})
                        continue
                    sku, entry = found[0]
                    if "price" in change:
                        entry["price"], entry["compare_at"] = (
                            change["price"],
                            change.get("compareAtPrice"),
                        )
                        told[sku] = entry["price"]
                    if "barcode" in change:
                        entry["barcode"] = change["barcode"]
                    grams = ((change.get("inventoryItem") or {}).get("measurement") or {}).get(
                        "weight"
                    )
                    if grams:
                        entry["grams"] = grams["value"]
                data[name] = {"userErrors": errors}
            elif name.startswith("d"):
                entries = [e for e in self.shop.values() if e["product"] == value["id"]]
                for entry in entries:
                    entry["title"], entry["description"] = (
                        value["title"],
                        value.get("descriptionHtml", ""),
                    )
                data[name] = {
                    "userErrors": []
                    if entries
                    else [{"field": ["id"], "message": "product not found"}]
                }
        self.price_log.record(told)
        return data

    def register(self, item: dict[str, Any]) -> None:
        n = next(self.ids)
        self.shop[item["sku"]] = {
            "item": f"gid://shopify/InventoryItem/{n}",
            "variant": f"gid://shopify/ProductVariant/{n}",
            "product": f"gid://shopify/Product/{n}",
            "available": int(item.get("quantity", 0)),
            "sets": 0,
            "price": item.get("price", "0.00"),
            "compare_at": None,
            "title": item["sku"],
            "description": "",
            "barcode": None,
            "grams": None,
            "tracked": bool(item.get("tracked", True)),
        }

    def levels(self) -> dict[str, int]:
        return {sku: v["available"] for sku, v in self.shop.items()}

    def prices(self) -> dict[str, Any]:
        return {sku: e["price"] for sku, e in self.shop.items()}

    def overwrite(self, sku: str, count: int) -> None:
        self.shop[sku]["available"] = count
        self._report_level(self.shop[sku])

    def sell(self, sku: str, quantity: int) -> None:
        self.shop[sku]["available"] -= quantity
        self._report_level(self.shop[sku])

    def _report_level(self, entry: dict[str, Any]) -> None:
        """The webhook's payload: an InventoryLevel as the REST Admin API documents it
        (https://shopify.dev/docs/api/admin-rest/2024-01/resources/inventorylevel),
        `available` null for an untracked item, `updated_at` to the second."""
        item = int(entry["item"].rsplit("/", 1)[-1])
        location = int(self.location.rsplit("/", 1)[-1])
        self.level_reports.append(
            {
                "inventory_item_id": item,
                "location_id": location,
                "available": entry["available"] if entry.get("tracked", True) else None,
                "updated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "admin_graphql_api_id": (
                    f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}"
                ),
            }
        )


def _variant(sku: str, entry: dict[str, Any], location: str | None) -> dict[str, Any]:
    return {
        "id": entry["variant"],
        "sku": sku,
        "product": {"id": entry["product"]},
        "inventoryItem": _item(entry, location),
    }


def _item(entry: dict[str, Any], location: str | None) -> dict[str, Any]:
    level = None
    if location == LOCATION:
        level = {"quantities": [{"name": "available", "quantity": entry["available"]}]}
    return {"id": entry["item"], "inventoryLevel": level}
