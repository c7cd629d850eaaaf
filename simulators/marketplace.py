"""A marketplace's seller API, as a real HTTP server, with a strict rate limit.

Seller side (`Authorization: Bearer <token>`), 2 requests/s with bursts of 4; beyond
that 429 with `Retry-After`:
    GET /v1/listings?page=N           {"listings": [{sku, quantity, price}], "next_page"}
    GET /v1/listings/{sku}            404 when the seller has no such listing
    PUT /v1/listings/quantities       {"items": [{sku, quantity, sequence}]}, up to 50; per
                                      item ACCEPTED, NOT_FOUND, INVALID, or STALE when
                                      its sequence is older than the one last applied

Orders: a sale on the marketplace is notified to the seller's endpoint (the hub) as
`POST {hub}/webhooks/marketplace`, body signed with HMAC-SHA256 (hex) in
`X-Marketplace-Signature`, `X-Marketplace-Seller` naming the seller account.
Test side: POST /_listings registers listings; POST /_sell sells (only what it shows);
POST /_outage makes it answer 503 (or the status given) for a while; GET /_stats, GET /_levels.

    MARKETPLACE_TOKEN=.. MARKETPLACE_WEBHOOK_SECRET=.. python -m simulators.marketplace \
        --port 9401 --seller S1 --hub-url http://127.0.0.1:8000
"""

import argparse
import os
import time
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from simulators import listen
from simulators.marketplace_backstage import Marketplace, Sim, backstage

PAGE = 50
router = APIRouter()


@router.get("/v1/listings")
async def list_listings(sim: Sim, page: int = 1) -> dict[str, Any]:
    skus = sorted(sim.listings)
    chunk = skus[(page - 1) * PAGE : page * PAGE]
    more = len(skus) > page * PAGE
    return {"listings": [sim.listings[s] for s in chunk], "next_page": page + 1 if more else None}


@router.get("/v1/listings/{sku}")
async def get_listing(sim: Sim, sku: str) -> dict[str, Any]:
    if sku not in sim.listings:
        raise HTTPException(404, {"error": f"no listing for seller SKU {sku}"})
    return sim.listings[sku]


@router.put("/v1/listings/quantities")
async def set_quantities(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    """Bulk quantity update, up to 50 SKUs; each result stands on its own."""
    items = body.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 50:
        raise HTTPException(400, {"error": "items: 1 to 50 updates"})
    sim.stats["updates"] = sim.stats.get("updates", 0) + len(items)
    results = [_apply(sim, item) for item in items]
    applied = {r["sku"] for r in results if r["status"] == "ACCEPTED"}
    sim.log.record({i["sku"]: i["quantity"] for i in items if i["sku"] in applied})
    return {"results": results}


@router.put("/v1/listings/prices")
async def set_prices(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    """Bulk price update, up to 50 SKUs; the price is what buyers pay from now on."""
    items = body.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 50:
        raise HTTPException(400, {"error": "items: 1 to 50 updates"})
    results, told = [], {}
    for item in items:
        listing = sim.listings.get(str(item.get("sku")))
        if listing is None:
            results.append({"sku": item.get("sku"), "status": "NOT_FOUND"})
            continue
        listing.update(price=item["price"], list_price=item.get("list_price"))
        told[listing["sku"]] = item["price"]
        results.append({"sku": listing["sku"], "status": "ACCEPTED"})
    sim.price_log.record(told)
    return {"results": results}


@router.post("/v1/listings")
async def create_listings(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    """New listings (no price and no quantity yet: buyers cannot buy them until set)."""
    results = []
    for item in body.get("items") or []:
        sku = item.get("sku")
        if not sku or not item.get("title"):
            results.append({"sku": sku, "status": "INVALID", "message": "sku and title"})
        elif sku in sim.listings:
            results.append({"sku": sku, "status": "EXISTS"})
        else:
            sim.listings[sku] = {"sku": sku, "quantity": 0, "price": None, "sequence": 0}
            for key in ("title", "description", "gtin", "weight_grams"):
                sim.listings[sku][key] = item.get(key)
            results.append({"sku": sku, "status": "CREATED"})
    return {"results": results}


@router.put("/v1/listings/attributes")
async def set_attributes(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    results = []
    for item in body.get("items") or []:
        listing = sim.listings.get(str(item.get("sku")))
        if listing is None:
            results.append({"sku": item.get("sku"), "status": "NOT_FOUND"})
            continue
        if not item.get("title"):
            results.append({"sku": listing["sku"], "status": "INVALID", "message": "title"})
            continue
        for key in ("title", "description", "gtin", "weight_grams"):
            listing[key] = item.get(key)
        results.append({"sku": listing["sku"], "status": "ACCEPTED"})
    return {"results": results}


@router.post("/v1/orders/{order_id}/shipments", status_code=201)
async def confirm_shipment(sim: Sim, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The seller confirms a shipment with tracking (the marketplace tells the buyer)."""
    if order_id not in sim.sold:
        raise HTTPException(404, {"error": f"no order {order_id} for this seller"})
    if not body.get("tracking_number") or not body.get("items"):
        raise HTTPException(400, {"error": "tracking_number and items are required"})
    sim.shipments.append({"order_id": order_id, **body})
    return {"order_id": order_id, "status": "SHIPPED"}


def _apply(sim: Marketplace, item: dict[str, Any]) -> dict[str, Any]:
    sku, quantity, sequence = item.get("sku"), item.get("quantity"), item.get("sequence")
    listing = sim.listings.get(str(sku))
    if listing is None:
        return {"sku": sku, "status": "NOT_FOUND", "message": "no such listing"}
    if not isinstance(quantity, int) or quantity < 0 or not isinstance(sequence, int):
        return {"sku": sku, "status": "INVALID", "message": "quantity >= 0 and sequence"}
    if sequence < listing["sequence"]:
        sim.stats["stale"] += 1
        return {"sku": sku, "status": "STALE", "message": f"sequence {sequence} is older"}
    listing.update(quantity=quantity, sequence=sequence)
    return {"sku": sku, "status": "ACCEPTED"}


async def seller_api_limits(request: Request, call_next: Any) -> Any:
    sim: Marketplace = request.app.state.sim
    if request.url.path.startswith("/_"):
        return await call_next(request)
    sim.stats["requests"] += 1
    if time.monotonic() < sim.outage["until"]:
        sim.stats["unavailable"] += 1
        status = int(sim.outage["status"])
        headers = {"Retry-After": "2"} if status == 429 else {}
        return JSONResponse({"error": "unavailable"}, status_code=status, headers=headers)
    if not sim.bucket.take():
        sim.stats["refused"] += 1
        wait = max(1, round(sim.bucket.seconds_until() + 0.5))
        return JSONResponse(
            {"error": "request throttled"}, status_code=429, headers={"Retry-After": str(wait)}
        )
    if request.headers.get("authorization") != f"Bearer {sim.token}":
        return JSONResponse({"error": "invalid seller token"}, status_code=401)
    return await call_next(request)


def create_app(token: str, webhook_secret: str, seller: str, hub_url: str) -> FastAPI:
    app = FastAPI(title="marketplace simulator")
    app.state.sim = Marketplace(token, webhook_secret, seller, hub_url)
    app.middleware("http")(seller_api_limits)
    app.include_router(router)
    app.include_router(backstage)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's marketplace simulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seller", required=True)
    parser.add_argument("--hub-url", required=True)
    args = parser.parse_args()
    app = create_app(
        os.environ["MARKETPLACE_TOKEN"],
        os.environ["MARKETPLACE_WEBHOOK_SECRET"],
        args.seller,
        args.hub_url.rstrip("/"),
    )
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
