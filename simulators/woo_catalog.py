"""The simulated WooCommerce store's products and stock, as its REST API v3 shows them:
`GET /products?sku=` or paged, `POST /products/batch` (create and update, at most 100
updates a call), `PUT /products/{id}`."""

import itertools
from typing import Any

from fastapi import HTTPException

from simulators.calllog import CallLog


class WooCatalog:
    def __init__(self, ids: "itertools.count[int]") -> None:
        self.woo: dict[str, dict[str, Any]] = {}  # sku -> product
        self.ids = ids
        self.log = CallLog()
        self.price_log = CallLog()

    def products(self, sku: str | None, page: int, per_page: int) -> list[Any]:
        if sku is not None:
            return [self.woo[sku]] if sku in self.woo else []
        ordered = [self.woo[s] for s in sorted(self.woo)]
        return ordered[(page - 1) * per_page : page * per_page]

    def batch(self, body: dict[str, Any]) -> Any:
        updates = body.get("update") or []
        created = [self._create(spec) for spec in body.get("create") or []]
        if len(updates) > 100:
            raise HTTPException(413, {"code": "woocommerce_rest_request_entity_too_large"})
        answers = []
        told = {}
        priced: dict[str, Any] = {}
        for change in updates:
            product = next((p for p in self.woo.values() if p["id"] == change.get("id")), None)
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
        self.log.record(told)
        self.price_log.record(priced)
        return {"update": answers, "create": created}

    def _create(self, spec: dict[str, Any]) -> dict[str, Any]:
        sku = spec.get("sku")
        if not sku or not spec.get("name"):
            return {"error": {"code": "woocommerce_rest_missing", "message": "name and sku"}}
        if sku in self.woo:
            return {"error": {"code": "product_invalid_sku", "message": "Duplicate SKU."}}
        self.woo[sku] = {
            "id": next(self.ids),
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
        return self.woo[sku]

    def update(self, product_id: int, body: dict[str, Any]) -> dict[str, Any]:
        product = next((p for p in self.woo.values() if p["id"] == product_id), None)
        if product is None:
            raise HTTPException(404, {"code": "woocommerce_rest_product_invalid_id"})
        if "stock_quantity" in body:
            product["stock_quantity"] = int(body["stock_quantity"])
            product["manage_stock"] = bool(body.get("manage_stock", True))
            product["sets"] += 1
        return product

    def register(self, item: dict[str, Any]) -> None:
        self.woo[item["sku"]] = {
            "id": next(self.ids),
            "sku": item["sku"],
            "name": item["sku"],
            "description": "",
            "global_unique_id": "",
            "weight": "",
            "regular_price": item.get("price", "0.00"),
            "sale_price": "",
            "manage_stock": True,
            "stock_quantity": int(item.get("quantity", 0)),
            "sets": 0,
        }

    def levels(self) -> dict[str, int]:
        return {sku: int(p["stock_quantity"] or 0) for sku, p in self.woo.items()}

    def prices(self) -> dict[str, Any]:
        return {sku: p["sale_price"] or p["regular_price"] for sku, p in self.woo.items()}

    def overwrite(self, sku: str, count: int) -> None:
        self.woo[sku]["stock_quantity"] = count

    def sell(self, sku: str, quantity: int) -> None:
        self.woo[sku]["stock_quantity"] -= quantity
