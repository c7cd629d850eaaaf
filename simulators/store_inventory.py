"""Stock on the simulated Shopify and WooCommerce stores.

Shopify, GraphQL Admin API (`POST /admin/api/{version}/graphql.json`), the operations a
stock integration uses: `productVariants` (by `sku:` query, or paged), `inventoryItem`
→ `inventoryLevel`, and `inventorySetQuantities` with `changeFromQuantity`
(`CHANGE_FROM_QUANTITY_STALE` when the store holds another quantity). Cost-based
throttling: a bucket of 1000 points restoring 100/s (a standard plan), 10 points a call, reported in
`extensions.cost.throttleStatus`; an empty bucket answers `THROTTLED`.
WooCommerce REST v3: `GET /products?sku=` or paged, `PUT /products/{id}`.
Like the real stores, a sale lowers the store's own quantity at once.
"""

import itertools
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Header, HTTPException

from simulators import outbound
from simulators.calllog import CallLog
from simulators.ratelimit import TokenBucket

COST = 10.0


def add_inventory(
    app: FastAPI, shopify_auth: Callable[[str | None], None], woo_auth: Callable[[str | None], None]
) -> None:
    shop: dict[str, dict[str, Any]] = {}  # sku -> {"item": gid, "available": n}
    woo: dict[str, dict[str, Any]] = {}  # sku -> product
    ids = itertools.count(1000)
    bucket = TokenBucket(rate=100.0, burst=1000)
    location = "gid://shopify/Location/1"
    logs = {"shopify": CallLog(), "woocommerce": CallLog()}
    price_logs = {"shopify": CallLog(), "woocommerce": CallLog()}

    @app.post("/admin/api/{version}/graphql.json")
    async def graphql(
        version: str, body: dict[str, Any], x_shopify_access_token: str | None = Header(None)
    ) -> dict[str, Any]:
        shopify_auth(x_shopify_access_token)
        throttled = not bucket.take(COST)
        cost = {
            "requestedQueryCost": COST,
            "throttleStatus": {
                "maximumAvailable": bucket.burst,
                "currentlyAvailable": round(bucket.tokens),
                "restoreRate": bucket.rate,
            },
        }
        if throttled:
            error = {"message": "Throttled", "extensions": {"code": "THROTTLED"}}
            return {"errors": [error], "extensions": {"cost": cost}}
        query, variables = body.get("query", ""), body.get("variables") or {}
        return {"data": _run(query, variables), "extensions": {"cost": cost}}

    def _run(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        if "productSet" in query:
            return {name: _product_set(spec) for name, spec in variables.items()}
        if "productVariantsBulkUpdate" in query or "productUpdate" in query:
            return _listings(variables)
        if "inventorySetQuantities" in query:
            return {"inventorySetQuantities": _set(variables["input"])}
        if "inventoryItem(" in query:
            found = next((v for v in shop.values() if v["item"] == variables["item"]), None)
            return {"inventoryItem": _item(found, variables["location"]) if found else None}
        wanted = variables.get("q", "")
        if wanted.startswith("sku:"):
            sku = wanted.removeprefix("sku:").strip('"')
            nodes = [_variant(sku, shop[sku], location)] if sku in shop else []
            return {"productVariants": {"nodes": nodes}}
        skus = sorted(shop)
        start = int(variables.get("after") or 0)
        page = skus[start : start + 100]
        more = start + 100 < len(skus)
        return {
            "productVariants": {
                "nodes": [_variant(s, shop[s], variables.get("location")) for s in page],
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + 100) if more else None},
            }
        }

    def _set(spec: dict[str, Any]) -> dict[str, Any]:
        errors = []
        for index, change in enumerate(spec["quantities"]):
            entry = next((v for v in shop.values() if v["item"] == change["inventoryItemId"]), None)
            if entry is None or change["locationId"] != location:
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
                (s, v) for s, v in shop.items() if v["item"] == change["inventoryItemId"]
            )
            entry["available"] = int(change["quantity"])
            entry["sets"] += 1
            told[sku] = entry["available"]
        logs["shopify"].record(told)
        return {"inventoryAdjustmentGroup": {"reason": spec.get("reason")}, "userErrors": []}

    def _product_set(spec: dict[str, Any]) -> dict[str, Any]:
        """A new product with its variants (each tracked, at our one location)."""
        skus = [v["inventoryItem"]["sku"] for v in spec.get("variants") or []]
        taken = [sku for sku in skus if sku in shop]
        if not spec.get("title") or not skus or taken:
            message = f"SKU already exists: {taken}" if taken else "title and variants required"
            return {"product": None, "userErrors": [{"field": ["input"], "message": message}]}
        product = f"gid://shopify/Product/{next(ids)}"
        for variant in spec["variants"]:
            n = next(ids)
            weight = (variant["inventoryItem"].get("measurement") or {}).get("weight") or {}
            shop[variant["inventoryItem"]["sku"]] = {
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

    def _listings(variables: dict[str, Any]) -> dict[str, Any]:
        """Aliased `productVariantsBulkUpdate` ($pN, $vN) and `productUpdate` ($dN)."""
        data: dict[str, Any] = {}
        told: dict[str, Any] = {}
        for name, value in variables.items():
            if name.startswith("v"):
                product = variables["p" + name[1:]]
                errors = []
                for change in value:
                    found = [(k, e) for k, e in shop.items() if e["variant"] == change["id"]]
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
                entries = [e for e in shop.values() if e["product"] == value["id"]]
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
        price_logs["shopify"].record(told)
        return data

    @app.get("/wp-json/wc/v3/products")
    async def woo_products(
        sku: str | None = None,
        page: int = 1,
        per_page: int = 10,
        authorization: str | None = Header(None),
    ) -> list[Any]:
        woo_auth(authorization)
        if sku is not None:
            return [woo[sku]] if sku in woo else []
        ordered = [woo[s] for s in sorted(woo)]
        return ordered[(page - 1) * per_page : page * per_page]

    @app.post("/wp-json/wc/v3/products/batch")
    async def woo_batch(body: dict[str, Any], authorization: str | None = Header(None)) -> Any:
        woo_auth(authorization)
        updates = body.get("update") or []
        created = [_woo_create(spec) for spec in body.get("create") or []]
        if len(updates) > 100:
            raise HTTPException(413, {"code": "woocommerce_rest_request_entity_too_large"})
        answers = []
        told = {}
        priced: dict[str, Any] = {}
        for change in updates:
            product = next((p for p in woo.values() if p["id"] == change.get("id")), None)
            if product is None:
                error = {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID."}
                answers.append({"id": change.get("id"), "error": error})
                continue
            if "stock_quantity" in change:
                product["stock_quantity"] = int(change["stock_quantity"])
                product["sets"] += 1
                told[product["sku"]] = product["stock_quantity"]
            for key in (
                "regular_price",
                "sale_price",
                "name",
                "description",
                "global_unique_id",
                "weight",
            ):
                if key in change:
                    product[key] = change[key]
            if "regular_price" in change:
                priced[product["sku"]] = product["sale_price"] or product["regular_price"]
            answers.append(product)
        logs["woocommerce"].record(told)
        price_logs["woocommerce"].record(priced)
        return {"update": answers, "create": created}

    def _woo_create(spec: dict[str, Any]) -> dict[str, Any]:
        sku = spec.get("sku")
        if not sku or not spec.get("name"):
            return {"error": {"code": "woocommerce_rest_missing", "message": "name and sku"}}
        if sku in woo:
            return {"error": {"code": "product_invalid_sku", "message": "Duplicate SKU."}}
        woo[sku] = {
            "id": next(ids),
            "sku": sku,
            "name": spec["name"],
            "description": spec.get("description", ""),
            "global_unique_id": spec.get("global_unique_id", ""),
            "weight": spec.get("weight", ""),
            "regular_price": spec.get("regular_price", ""),
            "sale_price": "",
            "manage_stock": bool(spec.get("manage_stock")),
            "stock_quantity": int(spec.get("stock_quantity") or 0),
            "sets": 0,
        }
        return woo[sku]

    @app.put("/wp-json/wc/v3/products/{product_id}")
    async def woo_update(
        product_id: int, body: dict[str, Any], authorization: str | None = Header(None)
    ) -> dict[str, Any]:
        woo_auth(authorization)
        product = next((p for p in woo.values() if p["id"] == product_id), None)
        if product is None:
            raise HTTPException(404, {"code": "woocommerce_rest_product_invalid_id"})
        if "stock_quantity" in body:
            product["stock_quantity"] = int(body["stock_quantity"])
            product["manage_stock"] = bool(body.get("manage_stock", True))
            product["sets"] += 1
        return product

    @app.post("/_products/{platform}")
    async def register(platform: str, body: dict[str, Any]) -> dict[str, int]:
        for item in body["products"]:
            sku, count = item["sku"], int(item.get("quantity", 0))
            if sku in (shop if platform == "shopify" else woo):
                continue  # already listed: a product keeps its ids
            if platform == "shopify":
                n = next(ids)
                shop[sku] = {
                    "item": f"gid://shopify/InventoryItem/{n}",
                    "variant": f"gid://shopify/ProductVariant/{n}",
                    "product": f"gid://shopify/Product/{n}",
                    "available": count,
                    "sets": 0,
                    "price": item.get("price", "0.00"),
                    "compare_at": None,
                    "title": sku,
                    "description": "",
                    "barcode": None,
                    "grams": None,
                }
            else:
                woo[sku] = {
                    "id": next(ids),
                    "sku": sku,
                    "name": sku,
                    "description": "",
                    "global_unique_id": "",
                    "weight": "",
                    "regular_price": item.get("price", "0.00"),
                    "sale_price": "",
                    "manage_stock": True,
                    "stock_quantity": count,
                    "sets": 0,
                }
        return {"products": len(body["products"])}

    def levels_of(platform: str) -> dict[str, int]:
        if platform == "shopify":
            return {sku: v["available"] for sku, v in shop.items()}
        return {sku: int(p["stock_quantity"] or 0) for sku, p in woo.items()}

    @app.get("/_stock_calls/{platform}")
    async def stock_calls(platform: str) -> list[dict[str, object]]:
        return logs[platform].calls

    @app.get("/_prices/{platform}")
    async def prices(platform: str) -> dict[str, Any]:
        """What a shopper pays now, and when each price arrived."""
        if platform == "shopify":
            now = {sku: e["price"] for sku, e in shop.items()}
        else:
            now = {sku: p["sale_price"] or p["regular_price"] for sku, p in woo.items()}
        return {"prices": now, "calls": price_logs[platform].calls}

    @app.get("/_products/{platform}")
    async def products(platform: str) -> dict[str, Any]:
        return shop if platform == "shopify" else woo

    @app.get("/_levels/{platform}")
    async def levels(platform: str) -> dict[str, int]:
        return levels_of(platform)

    @app.post("/_levels/{platform}")
    async def overwrite(platform: str, body: dict[str, int]) -> dict[str, int]:
        """Someone edits the count in the store's admin (drift the hub must notice)."""
        for sku, count in body.items():
            if platform == "shopify":
                shop[sku]["available"] = count
            else:
                woo[sku]["stock_quantity"] = count
        return levels_of(platform)

    @app.post("/_sell/{platform}")
    async def sell(platform: str, body: dict[str, Any]) -> dict[str, Any]:
        """A shopper checks out: the store sells only what it shows, lowers its own count
        and sends the order webhook it was handed (signed by the test, as the store would)."""
        sku, quantity = body["sku"], int(body.get("quantity", 1))
        if levels_of(platform).get(sku, 0) < quantity:
            return {"sold": False, "reason": "not enough shown"}
        if platform == "shopify":
            shop[sku]["available"] -= quantity
        else:
            woo[sku]["stock_quantity"] -= quantity
        hook = body["webhook"]
        answer = await outbound.client().post(
            hook["url"], content=hook["body"].encode(), headers=hook["headers"]
        )
        return {"sold": True, "hub_status": answer.status_code}


def _variant(sku: str, entry: dict[str, Any], location: str | None) -> dict[str, Any]:
    return {
        "id": entry["variant"],
        "sku": sku,
        "product": {"id": entry["product"]},
        "inventoryItem": _item(entry, location),
    }


def _item(entry: dict[str, Any], location: str | None) -> dict[str, Any]:
    level = None
    if location == "gid://shopify/Location/1":
        level = {"quantities": [{"name": "available", "quantity": entry["available"]}]}
    return {"id": entry["item"], "inventoryLevel": level}
