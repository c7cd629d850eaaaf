"""The marketplace simulator's state, and its test side: what tests see and do behind
the seller API (register listings, read and overwrite levels, sell, go down)."""

import hashlib
import hmac
import itertools
import json
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from simulators import outbound
from simulators.calllog import CallLog
from simulators.ratelimit import TokenBucket


class Marketplace:
    """What the simulator holds while it runs."""

    def __init__(self, token: str, webhook_secret: str, seller: str, hub_url: str) -> None:
        self.token = token
        self.webhook_secret = webhook_secret
        self.seller = seller
        self.hub_url = hub_url
        self.listings: dict[str, dict[str, Any]] = {}
        self.bucket = TokenBucket(rate=2.0, burst=4)
        self.stats: dict[str, Any] = {"requests": 0, "refused": 0, "stale": 0, "unavailable": 0}
        self.outage = {"until": 0.0, "status": 503.0}
        self.orders = itertools.count(1)
        self.log = CallLog()
        self.price_log = CallLog()
        self.sold: set[str] = set()
        self.shipments: list[dict[str, Any]] = []


backstage = APIRouter()


def _sim(request: Request) -> Marketplace:
    sim: Marketplace = request.app.state.sim
    return sim


Sim = Annotated[Marketplace, Depends(_sim)]


@backstage.get("/_prices")
async def prices(sim: Sim) -> dict[str, Any]:
    return {
        "prices": {s: x["price"] for s, x in sim.listings.items()},
        "calls": sim.price_log.calls,
    }


@backstage.get("/_listing/{sku}")
async def listing_as_shown(sim: Sim, sku: str) -> dict[str, Any]:
    return sim.listings[sku]


@backstage.get("/_shipments")
async def confirmed(sim: Sim) -> list[dict[str, Any]]:
    return sim.shipments


@backstage.post("/_listings")
async def register(sim: Sim, body: dict[str, Any]) -> dict[str, int]:
    for item in body["listings"]:
        if item["sku"] in sim.listings:
            continue  # already listed: registering again changes nothing
        sim.listings[item["sku"]] = {
            "sku": item["sku"],
            "quantity": int(item.get("quantity", 0)),
            "price": item.get("price", "10.00"),
            "sequence": 0,
        }
    return {"listings": len(sim.listings)}


@backstage.get("/_levels")
async def levels(sim: Sim) -> dict[str, int]:
    return {sku: x["quantity"] for sku, x in sim.listings.items()}


@backstage.post("/_levels")
async def overwrite(sim: Sim, body: dict[str, int]) -> dict[str, int]:
    for sku, quantity in body.items():
        sim.listings[sku]["quantity"] = quantity
    return {sku: x["quantity"] for sku, x in sim.listings.items()}


@backstage.get("/_stock_calls")
async def stock_calls(sim: Sim) -> list[dict[str, object]]:
    return sim.log.calls


@backstage.get("/_stats")
async def get_stats(sim: Sim) -> dict[str, Any]:
    return sim.stats


@backstage.post("/_outage")
async def go_down(sim: Sim, body: dict[str, float]) -> dict[str, float]:
    sim.outage["until"] = time.monotonic() + float(body["seconds"])
    sim.outage["status"] = float(body.get("status", 503))
    return body


@backstage.post("/_sell")
async def sell(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    """A buyer checks out: only what the listing shows can be bought."""
    listing = sim.listings.get(body["sku"])
    quantity = int(body.get("quantity", 1))
    if listing is None or listing["quantity"] < quantity:
        return {"sold": False, "reason": "not enough shown"}
    listing["quantity"] -= quantity
    order = _order(
        f"MKT-{sim.seller}-{next(sim.orders):06d}-{uuid.uuid4().hex[:4]}", listing, quantity
    )
    sim.sold.add(order["order_id"])
    raw = json.dumps(order).encode()

    signature = hmac.new(sim.webhook_secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {
        "content-type": "application/json",
        "x-marketplace-seller": sim.seller,
        "x-marketplace-event": "order.created",
        "x-marketplace-notification-id": str(uuid.uuid4()),
        "x-marketplace-signature": signature,
    }
    answer = await outbound.client().post(
        f"{sim.hub_url}/webhooks/marketplace", content=raw, headers=headers
    )
    return {"sold": True, "order_id": order["order_id"], "hub_status": answer.status_code}


def _order(order_id: str, listing: dict[str, Any], quantity: int) -> dict[str, Any]:
    price = listing["price"]
    cents = round(float(price) * 100) * quantity
    return {
        "order_id": order_id,
        "purchase_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "currency": "USD",
        "buyer": {"email": "buyer@marketplace.test"},
        "shipment_service_level": "Standard",
        "ship_to": {
            "name": "Buyer One",
            "address_line1": "1 Market Street",
            "address_line2": None,
            "city": "San Francisco",
            "state_or_region": "CA",
            "postal_code": "94105",
            "country_code": "US",
            "phone": "+1 415-555-0100",
        },
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
