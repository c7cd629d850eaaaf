"""A BigCommerce store's V2/V3 REST API, as a real HTTP server's routes (header
`X-Auth-Token`, under `/stores/{store_hash}`), as its documentation describes them:

    GET  /v2/orders/{id}, /v2/orders/{id}/products, /v2/orders/{id}/shipping_addresses
    GET  /v2/orders/{id}/shipments       POST /v2/orders/{id}/shipments
         (order_address_id, tracking_number, items of order_product_id and quantity;
         more than an order product has left unshipped is refused with 400)
    GET  /v3/orders/{id}/payment_actions/refunds   ({"data": [...], "meta": {}})
    GET  /v3/catalog/variants (page, limit; meta.pagination)   PUT /v3/catalog/variants
         (a batch of up to 50 {id, inventory_level | price | sale_price}; 413 beyond)
Every answer carries the store's quota for its window: `X-Rate-Limit-Requests-Quota`,
`X-Rate-Limit-Requests-Left`, `X-Rate-Limit-Time-Window-Ms`, `X-Rate-Limit-Time-Reset-Ms`;
a request past the quota is answered 429
(https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits).
Test side: POST /_orders/bigcommerce/{store} (an order's documents), POST
/_refunds/bigcommerce/{store}/{order} (a refund made in the store's admin), POST
/_variants/bigcommerce/{store} (products listed), GET /_bigcommerce/{store} (what the
store holds: shipments, variants, calls), POST /_quota/bigcommerce {"quota", "window_ms"}.
"""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

NOT_FOUND = [{"status": 404, "message": "The requested resource was not found."}]


class Store:
    def __init__(self, token: str, received: dict[str, Any]) -> None:
        self.token = token
        self.received = received  # shared with the storefront simulator's `/_received`
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}
        self.refunds: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.shipments: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.variants: dict[str, dict[int, dict[str, Any]]] = {}
        self.variant_calls: list[dict[str, Any]] = []
        self.quota, self.window_ms = 150, 30_000
        self.window_start, self.used = time.monotonic(), 0
        self.refused = 0  # requests answered 429

    def spend(self) -> dict[str, str]:
        """One request against the window's quota; its headers (429 past it)."""
        now = time.monotonic()
        if (now - self.window_start) * 1000 >= self.window_ms:
            self.window_start, self.used = now, 0
        self.used += 1
        reset = max(0, int(self.window_ms - (now - self.window_start) * 1000))
        headers = {
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self.used)),
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(reset),
        }
        if self.used > self.quota:
            self.refused += 1
            raise HTTPException(429, [{"status": 429, "message": "Too many requests"}], headers)
        return headers


def _store(request: Request) -> Store:
    found: Store = request.app.state.bigcommerce
    return found


def _authorised(request: Request, x_auth_token: Annotated[str | None, Header()] = None) -> Store:
    store = _store(request)
    if not store.token or x_auth_token != store.token:
        raise HTTPException(401, [{"status": 401, "message": "You are not authorized"}])
    return store


Api = Annotated[Store, Depends(_authorised)]
Sim = Annotated[Store, Depends(_store)]
router = APIRouter()


def _answer(store: Store, body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, headers=store.spend())


def _order(store: Store, shop: str, order_id: str) -> dict[str, Any]:
    found = store.orders.get((shop, order_id))
    if found is None:
        store.spend()
        raise HTTPException(404, NOT_FOUND)
    return found


@router.get("/stores/{shop}/v2/orders/{order_id}/shipments")
async def shipments(store: Api, shop: str, order_id: str) -> JSONResponse:
    _order(store, shop, order_id)
    return _answer(store, store.shipments.get((shop, order_id), []))


@router.post("/stores/{shop}/v2/orders/{order_id}/shipments")
async def create_shipment(
    store: Api, shop: str, order_id: str, body: dict[str, Any]
) -> JSONResponse:
    documents = _order(store, shop, order_id)
    addresses = {a["id"] for a in documents["shipping"]}
    if body.get("order_address_id") not in addresses or not body.get("items"):
        store.spend()
        raise HTTPException(400, [{"status": 400, "message": "order_address_id and items"}])
    left = _unshipped(store, shop, order_id, documents)
    for item in body["items"]:
        if left.get(item.get("order_product_id"), 0) < int(item.get("quantity", 0)):
            store.spend()
            message = f"order product {item.get('order_product_id')}: more than is unshipped"
            raise HTTPException(400, [{"status": 400, "message": message}])
    made = {"id": len(store.shipments.get((shop, order_id), [])) + 1, "order_id": int(order_id)}
    shipment = {**made, **body}
    store.shipments.setdefault((shop, order_id), []).append(shipment)
    return _answer(store, shipment, 201)


def _unshipped(store: Store, shop: str, order_id: str, documents: dict[str, Any]) -> dict[int, int]:
    left = {int(p["id"]): int(p["quantity"]) for p in documents["products"]}
    for shipment in store.shipments.get((shop, order_id), []):
        for item in shipment["items"]:
            left[item["order_product_id"]] -= int(item["quantity"])
    return left


@router.get("/stores/{shop}/v3/orders/{order_id}/payment_actions/refunds")
async def refunds(store: Api, shop: str, order_id: str) -> JSONResponse:
    _order(store, shop, order_id)
    return _answer(store, {"data": store.refunds.get((shop, order_id), []), "meta": {}})


@router.get("/stores/{shop}/v2/orders/{order_id}/{part}")
@router.get("/stores/{shop}/v2/orders/{order_id}")
async def order_documents(store: Api, shop: str, order_id: str, part: str = "order") -> Any:
    """The order, `/products`, `/shipping_addresses` (each read counted)."""
    reads = store.received.setdefault("bigcommerce_reads", {})
    reads[f"{shop}/{order_id}"] = reads.get(f"{shop}/{order_id}", 0) + 1
    documents = _order(store, shop, order_id)
    key = {"order": "order", "products": "products", "shipping_addresses": "shipping"}.get(part)
    if key is None:
        store.spend()
        raise HTTPException(404, NOT_FOUND)
    return _answer(store, documents[key])


@router.get("/stores/{shop}/v3/catalog/variants")
async def variants(store: Api, shop: str, page: int = 1, limit: int = 50) -> JSONResponse:
    every = sorted(store.variants.get(shop, {}).values(), key=lambda v: v["id"])
    limit = max(1, min(limit, 250))
    pages = max(1, -(-len(every) // limit))
    data = every[(page - 1) * limit : page * limit]
    meta = {"pagination": {"total": len(every), "current_page": page, "total_pages": pages}}
    return _answer(store, {"data": data, "meta": meta})


@router.put("/stores/{shop}/v3/catalog/variants")
async def update_variants(store: Api, shop: str, body: list[dict[str, Any]]) -> JSONResponse:
    held = store.variants.get(shop, {})
    if len(body) > 50:
        store.spend()
        raise HTTPException(413, {"status": 413, "title": "at most 50 variants a request"})
    unknown = [v.get("id") for v in body if v.get("id") not in held]
    if unknown:
        store.spend()
        raise HTTPException(422, {"status": 422, "title": f"variants {unknown} not found"})
    for change in body:
        held[change["id"]].update({k: v for k, v in change.items() if k != "id"})
    store.variant_calls.append({"t": time.time(), "variants": len(body)})
    return _answer(store, {"data": [held[v["id"]] for v in body], "meta": {}})


@router.post("/_orders/bigcommerce/{shop}")
async def register_order(store: Sim, shop: str, documents: dict[str, Any]) -> dict[str, str]:
    store.orders[(shop, str(documents["order"]["id"]))] = documents
    return {"registered": str(documents["order"]["id"])}


@router.post("/_refunds/bigcommerce/{shop}/{order_id}")
async def register_refund(
    store: Sim, shop: str, order_id: str, refund: dict[str, Any]
) -> dict[str, str]:
    store.refunds.setdefault((shop, order_id), []).append(refund)
    return {"registered": str(refund["id"])}


@router.post("/_variants/bigcommerce/{shop}")
async def list_variants(store: Sim, shop: str, body: dict[str, Any]) -> dict[str, int]:
    held = store.variants.setdefault(shop, {})
    for item in body["variants"]:
        if not any(v["sku"] == item["sku"] for v in held.values()):
            n = 5000 + len(held) + 1
            held[n] = {"id": n, "product_id": 900 + n, "sku": item["sku"],
                       "inventory_level": int(item.get("inventory_level", 0)),
                       "price": float(item.get("price", 0)), "sale_price": 0.0}  # fmt: skip
    return {"variants": len(held)}


@router.get("/_bigcommerce/{shop}")
async def held(store: Sim, shop: str) -> dict[str, Any]:
    return {
        "shipments": {o: s for (h, o), s in store.shipments.items() if h == shop},
        "variants": {v["sku"]: v for v in store.variants.get(shop, {}).values()},
        "variant_calls": store.variant_calls,
        "refused": store.refused,
    }


@router.post("/_quota/bigcommerce")
async def set_quota(store: Sim, body: dict[str, int]) -> dict[str, int]:
    store.quota, store.window_ms = int(body["quota"]), int(body.get("window_ms", 30_000))
    store.window_start, store.used = time.monotonic(), 0
    return {"quota": store.quota, "window_ms": store.window_ms}


def add_bigcommerce(app: FastAPI, token: str, received: dict[str, Any]) -> None:
    app.state.bigcommerce = Store(token, received)
    app.include_router(router)
