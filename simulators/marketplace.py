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
from simulators.ratelimit import TokenBucket

PAGE = 50


def create_app(token: str, webhook_secret: str, seller: str, hub_url: str) -> FastAPI:
    app = FastAPI(title="marketplace simulator")
    listings: dict[str, dict[str, Any]] = {}
    bucket = TokenBucket(rate=2.0, burst=4)
    stats: dict[str, Any] = {"requests": 0, "refused": 0, "stale": 0, "unavailable": 0}
    outage = {"until": 0.0, "status": 503.0}
    orders = itertools.count(1)
    log = CallLog()
    price_log = CallLog()
    sold: set[str] = set()
    shipments: list[dict[str, Any]] = []

    @app.middleware("http")
    async def seller_api_limits(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith("/_"):
            return await call_next(request)
        stats["requests"] += 1
        if time.monotonic() < outage["until"]:
            stats["unavailable"] += 1
            status = int(outage["status"])
            headers = {"Retry-After": "2"} if status == 429 else {}
            return JSONResponse({"error": "unavailable"}, status_code=status, headers=headers)
        if not bucket.take():
            stats["refused"] += 1
            wait = max(1, round(bucket.seconds_until() + 0.5))
            return JSONResponse(
                {"error": "request throttled"}, status_code=429, headers={"Retry-After": str(wait)}
            )
        if request.headers.get("authorization") != f"Bearer {token}":
            return JSONResponse({"error": "invalid seller token"}, status_code=401)
        return await call_next(request)

    @app.get("/v1/listings")
    async def list_listings(page: int = 1) -> dict[str, Any]:
        skus = sorted(listings)
        chunk = skus[(page - 1) * PAGE : page * PAGE]
        more = len(skus) > page * PAGE
        return {"listings": [listings[s] for s in chunk], "next_page": page + 1 if more else None}

    @app.get("/v1/listings/{sku}")
    async def get_listing(sku: str) -> dict[str, Any]:
        if sku not in listings:
            raise HTTPException(404, {"error": f"no listing for seller SKU {sku}"})
        return listings[sku]

    @app.put("/v1/listings/quantities")
    async def set_quantities(body: dict[str, Any]) -> dict[str, Any]:
        """Bulk quantity update, up to 50 SKUs; each result stands on its own."""
        items = body.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 50:
            raise HTTPException(400, {"error": "items: 1 to 50 updates"})
        stats["updates"] = stats.get("updates", 0) + len(items)
        results = [_apply(item) for item in items]
        applied = {r["sku"] for r in results if r["status"] == "ACCEPTED"}
        log.record({i["sku"]: i["quantity"] for i in items if i["sku"] in applied})
        return {"results": results}

    @app.put("/v1/listings/prices")
    async def set_prices(body: dict[str, Any]) -> dict[str, Any]:
        """Bulk price update, up to 50 SKUs; the price is what buyers pay from now on."""
        items = body.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 50:
            raise HTTPException(400, {"error": "items: 1 to 50 updates"})
        results, told = [], {}
        for item in items:
            listing = listings.get(str(item.get("sku")))
            if listing is None:
                results.append({"sku": item.get("sku"), "status": "NOT_FOUND"})
                continue
            listing.update(price=item["price"], list_price=item.get("list_price"))
            told[listing["sku"]] = item["price"]
            results.append({"sku": listing["sku"], "status": "ACCEPTED"})
        price_log.record(told)
        return {"results": results}

    @app.post("/v1/listings")
    async def create_listings(body: dict[str, Any]) -> dict[str, Any]:
        """New listings (no price and no quantity yet: buyers cannot buy them until set)."""
        results = []
        for item in body.get("items") or []:
            sku = item.get("sku")
            if not sku or not item.get("title"):
                results.append({"sku": sku, "status": "INVALID", "message": "sku and title"})
            elif sku in listings:
                results.append({"sku": sku, "status": "EXISTS"})
            else:
                listings[sku] = {"sku": sku, "quantity": 0, "price": None, "sequence": 0}
                for key in ("title", "description", "gtin", "weight_grams"):
                    listings[sku][key] = item.get(key)
                results.append({"sku": sku, "status": "CREATED"})
        return {"results": results}

    @app.put("/v1/listings/attributes")
    async def set_attributes(body: dict[str, Any]) -> dict[str, Any]:
        results = []
        for item in body.get("items") or []:
            listing = listings.get(str(item.get("sku")))
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

    @app.get("/_prices")
    async def prices() -> dict[str, Any]:
        return {"prices": {s: x["price"] for s, x in listings.items()}, "calls": price_log.calls}

    @app.get("/_listing/{sku}")
    async def listing_as_shown(sku: str) -> dict[str, Any]:
        return listings[sku]

    def _apply(item: dict[str, Any]) -> dict[str, Any]:
        sku, quantity, sequence = item.get("sku"), item.get("quantity"), item.get("sequence")
        listing = listings.get(str(sku))
        if listing is None:
            return {"sku": sku, "status": "NOT_FOUND", "message": "no such listing"}
        if not isinstance(quantity, int) or quantity < 0 or not isinstance(sequence, int):
            return {"sku": sku, "status": "INVALID", "message": "quantity >= 0 and sequence"}
        if sequence < listing["sequence"]:
            stats["stale"] += 1
            return {"sku": sku, "status": "STALE", "message": f"sequence {sequence} is older"}
        listing.update(quantity=quantity, sequence=sequence)
        return {"sku": sku, "status": "ACCEPTED"}

    @app.post("/v1/orders/{order_id}/shipments", status_code=201)
    async def confirm_shipment(order_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The seller confirms a shipment with tracking (the marketplace tells the buyer)."""
        if order_id not in sold:
            raise HTTPException(404, {"error": f"no order {order_id} for this seller"})
        if not body.get("tracking_number") or not body.get("items"):
            raise HTTPException(400, {"error": "tracking_number and items are required"})
        shipments.append({"order_id": order_id, **body})
        return {"order_id": order_id, "status": "SHIPPED"}

    @app.get("/_shipments")
    async def confirmed() -> list[dict[str, Any]]:
        return shipments

    @app.post("/_listings")
    async def register(body: dict[str, Any]) -> dict[str, int]:
        for item in body["listings"]:
            if item["sku"] in listings:
                continue  # already listed: registering again changes nothing
            listings[item["sku"]] = {
                "sku": item["sku"],
                "quantity": int(item.get("quantity", 0)),
                "price": item.get("price", "10.00"),
                "sequence": 0,
            }
        return {"listings": len(listings)}

    @app.get("/_levels")
    async def levels() -> dict[str, int]:
        return {sku: x["quantity"] for sku, x in listings.items()}

    @app.post("/_levels")
    async def overwrite(body: dict[str, int]) -> dict[str, int]:
        for sku, quantity in body.items():
            listings[sku]["quantity"] = quantity
        return {sku: x["quantity"] for sku, x in listings.items()}

    @app.get("/_stock_calls")
    async def stock_calls() -> list[dict[str, object]]:
        return log.calls

    @app.get("/_stats")
    async def get_stats() -> dict[str, Any]:
        return stats

    @app.post("/_outage")
    async def go_down(body: dict[str, float]) -> dict[str, float]:
        outage["until"] = time.monotonic() + float(body["seconds"])
        outage["status"] = float(body.get("status", 503))
        return body

    @app.post("/_sell")
    async def sell(body: dict[str, Any]) -> dict[str, Any]:
        """A buyer checks out: only what the listing shows can be bought."""
        listing = listings.get(body["sku"])
        quantity = int(body.get("quantity", 1))
        if listing is None or listing["quantity"] < quantity:
            return {"sold": False, "reason": "not enough shown"}
        listing["quantity"] -= quantity
        order = _order(f"MKT-{seller}-{next(orders):06d}-{uuid.uuid4().hex[:4]}", listing, quantity)
        sold.add(order["order_id"])
        raw = json.dumps(order).encode()

        signature = hmac.new(webhook_secret.encode(), raw, hashlib.sha256).hexdigest()
        headers = {
            "content-type": "application/json",
            "x-marketplace-seller": seller,
            "x-marketplace-event": "order.created",
            "x-marketplace-notification-id": str(uuid.uuid4()),
            "x-marketplace-signature": signature,
        }
        answer = await outbound.client().post(
            f"{hub_url}/webhooks/marketplace", content=raw, headers=headers
        )
        return {"sold": True, "order_id": order["order_id"], "hub_status": answer.status_code}

    return app


def _order(order_id: str, listing: dict[str, Any], quantity: int) -> dict[str, Any]:
    price = listing["price"]
    cents = round(float(price) * 100) * quantity
    return {
        "order_id": order_id,
        "purchase_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "currency": "USD",
        "buyer": {"email": "buyer@marketplace.test"},
        "ship_to": {"country_code": "US"},
        "items": [
            {
                "seller_sku": listing["sku"],
                "title": f"Listing {listing['sku']}",
                "quantity": quantity,
                "item_price": f"{cents / 100:.2f}",
                "item_tax": "0.00",
            }
        ],
        "shipping_price": "0.00",
        "order_total": f"{cents / 100:.2f}",
    }


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
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
