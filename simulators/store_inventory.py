"""Stock on the simulated Shopify and WooCommerce stores: their APIs' routes, the stores
themselves in `shopify_catalog.py` and `woo_catalog.py`.

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

from fastapi import FastAPI, Header

from simulators import outbound
from simulators.shopify_catalog import ShopifyCatalog
from simulators.woo_catalog import WooCatalog


def add_inventory(
    app: FastAPI, shopify_auth: Callable[[str | None], None], woo_auth: Callable[[str | None], None]
) -> None:
    ids = itertools.count(1000)  # one id space for the two stores' products
    shopify, woo = ShopifyCatalog(ids), WooCatalog(ids)
    stores: dict[str, ShopifyCatalog | WooCatalog] = {"shopify": shopify, "woocommerce": woo}

    @app.post("/admin/api/{version}/graphql.json")
    async def graphql(
        version: str, body: dict[str, Any], x_shopify_access_token: str | None = Header(None)
    ) -> dict[str, Any]:
        shopify_auth(x_shopify_access_token)
        return shopify.graphql(body)

    @app.get("/wp-json/wc/v3/products")
    async def woo_products(
        sku: str | None = None,
        page: int = 1,
        per_page: int = 10,
        authorization: str | None = Header(None),
    ) -> list[Any]:
        woo_auth(authorization)
        return woo.products(sku, page, per_page)

    @app.post("/wp-json/wc/v3/products/batch")
    async def woo_batch(body: dict[str, Any], authorization: str | None = Header(None)) -> Any:
        woo_auth(authorization)
        return woo.batch(body)

    @app.put("/wp-json/wc/v3/products/{product_id}")
    async def woo_update(
        product_id: int, body: dict[str, Any], authorization: str | None = Header(None)
    ) -> dict[str, Any]:
        woo_auth(authorization)
        return woo.update(product_id, body)

    add_test_side(app, stores)


def add_test_side(app: FastAPI, stores: dict[str, ShopifyCatalog | WooCatalog]) -> None:
    """What tests see and do behind the stores' APIs: list products, read and overwrite
    what a store shows, sell as a shopper would."""

    @app.post("/_products/{platform}")
    async def register(platform: str, body: dict[str, Any]) -> dict[str, int]:
        store = stores[platform]
        for item in body["products"]:
            if item["sku"] not in store.levels():  # already listed: a product keeps its ids
                store.register(item)
        return {"products": len(body["products"])}

    @app.get("/_stock_calls/{platform}")
    async def stock_calls(platform: str) -> list[dict[str, object]]:
        return stores[platform].log.calls

    @app.get("/_prices/{platform}")
    async def prices(platform: str) -> dict[str, Any]:
        """What a shopper pays now, and when each price arrived."""
        store = stores[platform]
        return {"prices": store.prices(), "calls": store.price_log.calls}

    @app.get("/_products/{platform}")
    async def products(platform: str) -> dict[str, Any]:
        store = stores[platform]
        return store.shop if isinstance(store, ShopifyCatalog) else store.woo

    @app.get("/_levels/{platform}")
    async def levels(platform: str) -> dict[str, int]:
        return stores[platform].levels()

    @app.post("/_levels/{platform}")
    async def overwrite(platform: str, body: dict[str, int]) -> dict[str, int]:
        """Someone edits the count in the store's admin (drift the hub must notice)."""
        for sku, count in body.items():
            stores[platform].overwrite(sku, count)
        return stores[platform].levels()

    @app.post("/_sell/{platform}")
    async def sell(platform: str, body: dict[str, Any]) -> dict[str, Any]:
        """A shopper checks out: the store sells only what it shows, lowers its own count
        and sends the order webhook it was handed (signed by the test, as the store would)."""
        sku, quantity = body["sku"], int(body.get("quantity", 1))
        if stores[platform].levels().get(sku, 0) < quantity:
            return {"sold": False, "reason": "not enough shown"}
        stores[platform].sell(sku, quantity)
        hook = body["webhook"]
        answer = await outbound.client().post(
            hook["url"], content=hook["body"].encode(), headers=hook["headers"]
        )
        return {"sold": True, "hub_status": answer.status_code}
