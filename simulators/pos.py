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
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from simulators import outbound
from simulators.calllog import CallLog
from simulators.outage import add_outage_switch
from simulators.ratelimit import TokenBucket

PAGE = 50


def create_app(token: str, webhook_secret: str, account: str, outlet: str, hub_url: str) -> FastAPI:
    app = FastAPI(title="point-of-sale simulator")
    add_outage_switch(app)
    products: dict[str, dict[str, Any]] = {}
    bucket = TokenBucket(rate=10.0, burst=20)
    sales = itertools.count(1)
    log = CallLog()
    price_log = CallLog()

    @app.middleware("http")
    async def api_limits(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith("/_"):
            return await call_next(request)
        if not bucket.take():
            return JSONResponse({"error": "rate limited"}, 429, headers={"Retry-After": "1"})
        if request.headers.get("authorization") != f"Bearer {token}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return await call_next(request)

    @app.get("/api/inventory")
    async def list_inventory(page: int = 1) -> dict[str, Any]:
        skus = sorted(products)
        chunk = skus[(page - 1) * PAGE : page * PAGE]
        more = len(skus) > page * PAGE
        return {
            "inventory": [_record(products[s], outlet) for s in chunk],
            "next_page": page + 1 if more else None,
        }

    @app.get("/api/inventory/{sku}")
    async def get_item(sku: str) -> dict[str, Any]:
        if sku not in products:
            raise HTTPException(404, {"error": f"product {sku} not carried"})
        return _record(products[sku], outlet)

    @app.put("/api/inventory")
    async def set_counts(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("outlet_id") != outlet:
            raise HTTPException(422, {"error": f"unknown outlet {body.get('outlet_id')!r}"})
        results = []
        for entry in body.get("counts") or []:
            sku, count = entry.get("sku"), entry.get("count")
            if sku not in products:
                results.append({"sku": sku, "status": "not_found"})
            elif not isinstance(count, int) or count < 0:
                results.append({"sku": sku, "status": "invalid", "message": "count >= 0"})
            else:
                products[sku]["count"] = count
                results.append({"sku": sku, "status": "ok"})
        log.record({r["sku"]: products[r["sku"]]["count"] for r in results if r["status"] == "ok"})
        return {"results": results}

    @app.put("/api/prices")
    async def set_prices(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("outlet_id") != outlet:
            raise HTTPException(422, {"error": f"unknown outlet {body.get('outlet_id')!r}"})
        results, told = [], {}
        for entry in body.get("prices") or []:
            product = products.get(str(entry.get("sku")))
            price = entry.get("price_minor")
            if product is None:
                results.append({"sku": entry.get("sku"), "status": "not_found"})
            elif not isinstance(price, int) or price < 0:
                results.append({"sku": product["sku"], "status": "invalid"})
            else:
                product["price_minor"] = price
                told[product["sku"]] = price
                results.append({"sku": product["sku"], "status": "ok"})
        price_log.record(told)
        return {"results": results}

    @app.post("/api/products")
    async def create_products(body: dict[str, Any]) -> dict[str, Any]:
        results = []
        for entry in body.get("products") or []:
            sku = entry.get("sku")
            if not sku or not entry.get("name"):
                results.append({"sku": sku, "status": "invalid", "message": "sku and name"})
            elif sku in products:
                results.append({"sku": sku, "status": "exists"})
            else:
                products[sku] = {"sku": sku, "count": 0, "price_minor": 0, **entry}
                results.append({"sku": sku, "status": "created"})
        return {"results": results}

    @app.put("/api/products")
    async def set_products(body: dict[str, Any]) -> dict[str, Any]:
        results = []
        for entry in body.get("products") or []:
            product = products.get(str(entry.get("sku")))
            if product is None:
                results.append({"sku": entry.get("sku"), "status": "not_found"})
                continue
            product.update(name=entry.get("name"), barcode=entry.get("barcode"))
            results.append({"sku": product["sku"], "status": "ok"})
        return {"results": results}

    @app.get("/_prices")
    async def prices() -> dict[str, Any]:
        now = {s: p["price_minor"] for s, p in products.items()}
        return {"prices": now, "calls": price_log.calls}

    @app.get("/_product/{sku}")
    async def product_as_shown(sku: str) -> dict[str, Any]:
        return products[sku]

    @app.post("/_products")
    async def register(body: dict[str, Any]) -> dict[str, int]:
        for item in body["products"]:
            if item["sku"] in products:
                continue  # already listed: registering again changes nothing
            products[item["sku"]] = {
                "sku": item["sku"],
                "count": int(item.get("count", 0)),
                "price_minor": int(item.get("price_minor", 1000)),
            }
        return {"products": len(products)}

    @app.get("/_stock_calls")
    async def stock_calls() -> list[dict[str, object]]:
        return log.calls

    @app.get("/_levels")
    async def levels() -> dict[str, int]:
        return {sku: p["count"] for sku, p in products.items()}

    @app.post("/_levels")
    async def overwrite(body: dict[str, int]) -> dict[str, int]:
        for sku, count in body.items():
            products[sku]["count"] = count
        return {sku: p["count"] for sku, p in products.items()}

    @app.post("/_sell")
    async def sell(body: dict[str, Any]) -> dict[str, Any]:
        """A customer at the counter: the register sells only what it shows."""
        product = products.get(body["sku"])
        quantity = int(body.get("quantity", 1))
        if product is None or product["count"] < quantity:
            return {"sold": False, "reason": "not enough shown"}
        product["count"] -= quantity
        sale = _sale(
            f"{account}-{next(sales):06d}-{uuid.uuid4().hex[:4]}", outlet, product, quantity
        )
        raw = json.dumps(sale).encode()
        signature = base64.b64encode(
            hmac.new(webhook_secret.encode(), raw, hashlib.sha256).digest()
        ).decode()
        headers = {
            "content-type": "application/json",
            "x-pos-account": account,
            "x-pos-event-id": str(uuid.uuid4()),
            "x-pos-signature": signature,
        }
        answer = await outbound.client().post(
            f"{hub_url}/webhooks/pos", content=raw, headers=headers
        )
        return {"sold": True, "sale_id": sale["sale_id"], "hub_status": answer.status_code}

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
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
