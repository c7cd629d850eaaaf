"""Stock on the simulated Shopify and WooCommerce stores: their APIs' routes, the stores
themselves in `shopify_catalog.py` and `woo_catalog.py`.

Shopify, GraphQL Admin API (`POST /admin/api/{version}/graphql.json`), the operations a
stock integration uses: `productVariants` (by `sku:` query, or paged), `inventoryItem`
→ `inventoryLevel`, and `inventorySetQuantities` with `changeFromQuantity`
(`CHANGE_FROM_QUANTITY_STALE` when the store holds another quantity). Cost-based
throttling: a bucket of 1000 points restoring 100/s (a standard plan), 10 points a call, reported in
`extensions.cost.throttleStatus`; an empty bucket answers `THROTTLED`.
WooCommerce REST v3: `GET /products?sku=` or paged, `PUT /products/{id}`.
Like the real stores, a sale lowers the store's own quantity at once, and Shopify tells
every change of a level as `inventory_levels/update` to its subscription
(`POST /_webhooks/shopify`), the hub's own pushes too.
"""

import asyncio
import itertools
from collections.abc import Callable
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, Request

from simulators import outbound
from simulators.shopify_catalog import ShopifyCatalog
from simulators.storefronts import signed_shopify
from simulators.woo_catalog import WooCatalog

Auth = Callable[[str | None], None]


class Inventory:
    """The two stores' catalogs, and how their APIs check a caller."""

    def __init__(self, shopify_auth: Auth, woo_auth: Auth) -> None:
        ids = itertools.count(1000)  # one id space for the two stores' products
        self.shopify, self.woo = ShopifyCatalog(ids), WooCatalog(ids)
        self.stores: dict[str, ShopifyCatalog | WooCatalog] = {
            "shopify": self.shopify,
            "woocommerce": self.woo,
        }
        self.shopify_auth, self.woo_auth = shopify_auth, woo_auth
        # GraphQL operations on what the store holds besides its catalog (order tags),
        # answered by the simulator that holds it; None: not one of them.
        self.other_operations: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda _: None
        self.level_hooks: list[dict[str, str]] = []  # where inventory_levels/update goes
        self.sending: set[asyncio.Task[None]] = set()

    def send_level_reports(self) -> None:
        """Each level change to every subscription, signed, after the call that made it
        (the store answers first and notifies after, as Shopify does)."""
        reports, self.shopify.level_reports = self.shopify.level_reports, []
        if not reports or not self.level_hooks:
            return
        task = asyncio.create_task(self._send(reports, list(self.level_hooks)))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def _send(self, reports: list[dict[str, Any]], hooks: list[dict[str, str]]) -> None:
        for report in reports:
            for hook in hooks:
                signed = signed_shopify(
                    report, hook["shop"], hook["secret"], topic="inventory_levels/update"
                )
                try:
                    await outbound.client().post(
                        hook["url"], content=signed.body, headers=signed.headers
                    )
                except httpx.HTTPError:
                    pass  # Shopify retries; the hub's reconciliation catches what is missed


def _inventory(request: Request) -> Inventory:
    found: Inventory = request.app.state.inventory
    return found


Inv = Annotated[Inventory, Depends(_inventory)]
router = APIRouter()


def add_inventory(app: FastAPI, shopify_auth: Auth, woo_auth: Auth) -> None:
    app.state.inventory = Inventory(shopify_auth, woo_auth)
    app.include_router(router)


@router.post("/admin/api/{version}/graphql.json")
async def graphql(
    inv: Inv, version: str, body: dict[str, Any], x_shopify_access_token: str | None = Header(None)
) -> dict[str, Any]:
    inv.shopify_auth(x_shopify_access_token)
    answer = inv.other_operations(body) or inv.shopify.graphql(body)
    inv.send_level_reports()
    return answer


@router.post("/_webhooks/shopify")
async def subscribe(inv: Inv, body: dict[str, str]) -> dict[str, int]:
    """Subscribe {url, shop, secret} to inventory_levels/update (the test stands in for
    the app's webhook subscription); {"url": ""} ends every subscription."""
    inv.level_hooks = [body] if body.get("url") else []
    return {"subscriptions": len(inv.level_hooks)}


@router.get("/wp-json/wc/v3/products")
async def woo_products(
    inv: Inv,
    sku: str | None = None,
    page: int = 1,
    per_page: int = 10,
    authorization: str | None = Header(None),
) -> list[Any]:
    inv.woo_auth(authorization)
    return inv.woo.products(sku, page, per_page)


@router.post("/wp-json/wc/v3/products/batch")
async def woo_batch(
    inv: Inv, body: dict[str, Any], authorization: str | None = Header(None)
) -> Any:
    inv.woo_auth(authorization)
    return inv.woo.batch(body)


@router.put("/wp-json/wc/v3/products/{product_id}")
async def woo_update(
    inv: Inv, product_id: int, body: dict[str, Any], authorization: str | None = Header(None)
) -> dict[str, Any]:
    inv.woo_auth(authorization)
    return inv.woo.update(product_id, body)


# What tests see and do behind the stores' APIs: list products, read and overwrite what a
# store shows, sell as a shopper would.


@router.post("/_products/{platform}")
async def register(inv: Inv, platform: str, body: dict[str, Any]) -> dict[str, int]:
    store = inv.stores[platform]
    for item in body["products"]:
        if item["sku"] not in store.levels():  # already listed: a product keeps its ids
            store.register(item)
    return {"products": len(body["products"])}


@router.get("/_stock_calls/{platform}")
async def stock_calls(inv: Inv, platform: str) -> list[dict[str, object]]:
    return inv.stores[platform].log.calls


@router.get("/_prices/{platform}")
async def prices(inv: Inv, platform: str) -> dict[str, Any]:
    """What a shopper pays now, and when each price arrived."""
    store = inv.stores[platform]
    return {"prices": store.prices(), "calls": store.price_log.calls}


@router.get("/_products/{platform}")
async def products(inv: Inv, platform: str) -> dict[str, Any]:
    store = inv.stores[platform]
    return store.shop if isinstance(store, ShopifyCatalog) else store.woo


@router.get("/_levels/{platform}")
async def levels(inv: Inv, platform: str) -> dict[str, int]:
    return inv.stores[platform].levels()


@router.post("/_levels/{platform}")
async def overwrite(inv: Inv, platform: str, body: dict[str, int]) -> dict[str, int]:
    """Someone edits the count in the store's admin (drift the hub must notice)."""
    for sku, count in body.items():
        inv.stores[platform].overwrite(sku, count)
    inv.send_level_reports()
    return inv.stores[platform].levels()


@router.post("/_sell/{platform}")
async def sell(inv: Inv, platform: str, body: dict[str, Any]) -> dict[str, Any]:
    """A shopper checks out: the store sells only what it shows, lowers its own count
    and sends the order webhook it was handed (signed by the test, as the store would)."""
    sku, quantity = body["sku"], int(body.get("quantity", 1))
    store = inv.stores[platform]
    if store.levels().get(sku, 0) < quantity:
        return {"sold": False, "reason": "not enough shown"}
    store.sell(sku, quantity)
    inv.send_level_reports()
    hook = body["webhook"]
    answer = await outbound.client().post(
        hook["url"], content=hook["body"].encode(), headers=hook["headers"]
    )
    return {"sold": True, "hub_status": answer.status_code}
