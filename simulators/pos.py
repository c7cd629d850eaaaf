"""A point-of-sale system, as a real HTTP server: it shows stock at its outlet and sells.

Inventory API (`Authorization: Bearer <token>`), 10 requests/s, 429 with `Retry-After`:
    GET /api/inventory?page=N      {"inventory": [{sku, outlet_id, count}], "next_page"}
    GET /api/inventory/{sku}       404 for a product the POS does not carry
    PUT /api/inventory             {"outlet_id", "counts": [{sku, count}]}, per-SKU results

Sales: every sale at a register is posted to the hub as `POST {hub}/webhooks/pos`,
amounts in minor units, signed with HMAC-SHA256 (base64) in `X-Pos-Signature`, the
account in `X-Pos-Account` and a unique `X-Pos-Event-Id` repeated on retries.
Test side: POST /_products, POST /_sell (sells only what it shows), GET /_levels.

    POS_TOKEN=.. POS_WEBHOOK_SECRET=.. python -m simulators.pos --port 9501 \
        --account A1 --outlet soho --hub-url http://127.0.0.1:8000
"""

import argparse
import base64
import hashlib
import hmac
import itertools
import json
import os
import time
import uuid
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from simulators import listen, outbound
from simulators.calllog import CallLog
from simulators.outage import add_outage_switch
from simulators.ratelimit import TokenBucket

PAGE = 50


class PointOfSale:
    """What the simulator holds while it runs."""

    def __init__(
        self, token: str, webhook_secret: str, account: str, outlet: str, hub_url: str
    ) -> None:
        self.token = token
        self.webhook_secret = webhook_secret
        self.account = account
        self.outlet = outlet
        self.hub_url = hub_url
        self.products: dict[str, dict[str, Any]] = {}
        self.bucket = TokenBucket(rate=10.0, burst=20)
        self.sales = itertools.count(1)
        self.log = CallLog()
        self.price_log = CallLog()


router = APIRouter()


def _sim(request: Request) -> PointOfSale:
    sim: PointOfSale = request.app.state.sim
    return sim


Sim = Annotated[PointOfSale, Depends(_sim)]


@router.get("/api/inventory")
async def list_inventory(sim: Sim, page: int = 1) -> dict[str, Any]:
    skus = sorted(sim.products)
    chunk = skus[(page - 1) * PAGE : page * PAGE]
    more = len(skus) > page * PAGE
    return {
        "inventory": [_record(sim.products[s], sim.outlet) for s in chunk],
        "next_page": page + 1 if more else None,
    }


@router.get("/api/inventory/{sku}")
async def get_item(sim: Sim, sku: str) -> dict[str, Any]:
    if sku not in sim.products:
        raise HTTPException(404, {"error": f"product {sku} not carried"})
    return _record(sim.products[sku], sim.outlet)


@router.put("/api/inventory")
async def set_counts(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("outlet_id") != sim.outlet:
        raise HTTPException(422, {"error": f"unknown outlet {body.get('outlet_id')!r}"})
    results = []
    for entry in body.get("counts") or []:
        sku, count = entry.get("sku"), entry.get("count")
        if sku not in sim.products:
            results.append({"sku": sku, "status": "not_found"})
        elif not isinstance(count, int) or count < 0:
            results.append({"sku": sku, "status": "invalid", "message": "count >= 0"})
        else:
            sim.products[sku]["count"] = count
            results.append({"sku": sku, "status": "ok"})
    sim.log.record(
        {r["sku"]: sim.products[r["sku"]]["count"] for r in results if r["status"] == "ok"}
    )
    return {"results": results}


@router.put("/api/prices")
async def set_prices(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("outlet_id") != sim.outlet:
        raise HTTPException(422, {"error": f"unknown outlet {body.get('outlet_id')!r}"})
    results, told = [], {}
    for entry in body.get("prices") or []:
        product = sim.products.get(str(entry.get("sku")))
        price = entry.get("price_minor")
        if product is None:
            results.append({"sku": entry.get("sku"), "status": "not_found"})
        elif not isinstance(price, int) or price < 0:
            results.append({"sku": product["sku"], "status": "invalid"})
        else:
            product["price_minor"] = price
            told[product["sku"]] = price
            results.append({"sku": product["sku"], "status": "ok"})
    sim.price_log.record(told)
    return {"results": results}


@router.post("/api/products")
async def create_products(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    results = []
    for entry in body.get("products") or []:
        sku = entry.get("sku")
        if not sku or not entry.get("name"):
            results.append({"sku": sku, "status": "invalid", "message": "sku and name"})
        elif sku in sim.products:
            results.append({"sku": sku, "status": "exists"})
        else:
            sim.products[sku] = {"sku": sku, "count": 0, "price_minor": 0, **entry}
            results.append({"sku": sku, "status": "created"})
    return {"results": results}


@router.put("/api/products")
async def set_products(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    results = []
    for entry in body.get("products") or []:
        product = sim.products.get(str(entry.get("sku")))
        if product is None:
            results.append({"sku": entry.get("sku"), "status": "not_found"})
            continue
        product.update(name=entry.get("name"), barcode=entry.get("barcode"))
        results.append({"sku": product["sku"], "status": "ok"})
    return {"results": results}


@router.get("/_prices")
async def prices(sim: Sim) -> dict[str, Any]:
    now = {s: p["price_minor"] for s, p in sim.products.items()}
    return {"prices": now, "calls": sim.price_log.calls}


@router.get("/_product/{sku}")
async def product_as_shown(sim: Sim, sku: str) -> dict[str, Any]:
    return sim.products[sku]


@router.post("/_products")
async def register(sim: Sim, body: dict[str, Any]) -> dict[str, int]:
    for item in body["products"]:
        if item["sku"] in sim.products:
            continue  # already listed: registering again changes nothing
        sim.products[item["sku"]] = {
            "sku": item["sku"],
            "count": int(item.get("count", 0)),
            "price_minor": int(item.get("price_minor", 1000)),
        }
    return {"products": len(sim.products)}


@router.get("/_stock_calls")
async def stock_calls(sim: Sim) -> list[dict[str, object]]:
    return sim.log.calls


@router.get("/_levels")
async def levels(sim: Sim) -> dict[str, int]:
    return {sku: p["count"] for sku, p in sim.products.items()}


@router.post("/_levels")
async def overwrite(sim: Sim, body: dict[str, int]) -> dict[str, int]:
    for sku, count in body.items():
        sim.products[sku]["count"] = count
    return {sku: p["count"] for sku, p in sim.products.items()}


@router.post("/_sell")
async def sell(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    """A customer at the counter: the register sells only what it shows."""
    product = sim.products.get(body["sku"])
    quantity = int(body.get("quantity", 1))
    if product is None or product["count"] < quantity:
        return {"sold": False, "reason": "not enough shown"}
    product["count"] -= quantity
    sale = _sale(
        f"{sim.account}-{next(sim.sales):06d}-{uuid.uuid4().hex[:4]}", sim.outlet, product, quantity
    )
    raw = json.dumps(sale).encode()
    signature = base64.b64encode(
        hmac.new(sim.webhook_secret.encode(), raw, hashlib.sha256).digest()
    ).decode()
    headers = {
        "content-type": "application/json",
        "x-pos-account": sim.account,
        "x-pos-event-id": str(uuid.uuid4()),
        "x-pos-signature": signature,
    }
    answer = await outbound.client().post(
        f"{sim.hub_url}/webhooks/pos", content=raw, headers=headers
    )
    return {"sold": True, "sale_id": sale["sale_id"], "hub_status": answer.status_code}


async def api_limits(request: Request, call_next: Any) -> Any:
    sim: PointOfSale = request.app.state.sim
    if request.url.path.startswith("/_"):
        return await call_next(request)
    if not sim.bucket.take():
        return JSONResponse({"error": "rate limited"}, 429, headers={"Retry-After": "1"})
    if request.headers.get("authorization") != f"Bearer {sim.token}":
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    return await call_next(request)


def create_app(token: str, webhook_secret: str, account: str, outlet: str, hub_url: str) -> FastAPI:
    app = FastAPI(title="point-of-sale simulator")
    app.state.sim = PointOfSale(token, webhook_secret, account, outlet, hub_url)
    app.middleware("http")(api_limits)
    app.include_router(router)
    add_outage_switch(app)
    return app


def _record(product: dict[str, Any], outlet: str) -> dict[str, Any]:
    return {"sku": product["sku"], "outlet_id": outlet, "count": product["count"]}


def _sale(sale_id: str, outlet: str, product: dict[str, Any], quantity: int) -> dict[str, Any]:
    line_minor = product["price_minor"] * quantity
    return {
        "sale_id": sale_id,
        "outlet_id": outlet,
        "register_id": "REG-1",
        "sold_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "currency": "USD",
        "tax_inclusive": True,
        "lines": [
            {
                "sku": product["sku"],
                "name": f"Product {product['sku']}",
                "quantity": quantity,
                "unit_price_minor": product["price_minor"],
                "line_total_minor": line_minor,
                "tax_minor": 0,
            }
        ],
        "total_minor": line_minor,
        "total_tax_minor": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's point-of-sale simulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--outlet", required=True)
    parser.add_argument("--hub-url", required=True)
    args = parser.parse_args()
    app = create_app(
        os.environ["POS_TOKEN"],
        os.environ["POS_WEBHOOK_SECRET"],
        args.account,
        args.outlet,
        args.hub_url.rstrip("/"),
    )
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
