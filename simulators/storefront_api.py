"""A Shopify-style and a WooCommerce-style store API, as a real HTTP server: where the
storefront-gateway sends fulfilment status and tracking back.

Shopify (header `X-Shopify-Access-Token`):
    GET  /admin/api/{version}/orders/{id}/fulfillment_orders.json
    POST /admin/api/{version}/fulfillments.json   (line_items_by_fulfillment_order, tracking_info)
    GET  /admin/api/{version}/orders/{id}/fulfillments.json   (tracking_number per fulfillment)
    POST /admin/api/{version}/graphql.json   `tagsAdd` on an order (and the stock operations
                                             of store_inventory.py)
WooCommerce (basic auth, consumer key and secret):
    GET  /wp-json/wc/v3/orders/{id}/notes
    POST /wp-json/wc/v3/orders/{id}/notes
    PUT  /wp-json/wc/v3/orders/{id}
BigCommerce (header `X-Auth-Token`): its V2/V3 API in simulators/bigcommerce_store.py.
Test side: POST /_orders/{platform} registers an order the store "has" (its webhook JSON);

GET /_received lists what the hub sent; POST /_outage answers every hub call with an error
for a while (simulators/outage.py).

    SHOPIFY_TOKEN=.. WOO_KEY=.. WOO_SECRET=.. python -m simulators.storefront_api --port 9201
"""

import argparse
import base64
import itertools
import os
from functools import partial
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request

from simulators import listen
from simulators.bigcommerce_store import add_bigcommerce
from simulators.fulfillment_events import add_fulfillment_events
from simulators.order_tags import tags_add
from simulators.outage import add_outage_switch
from simulators.store_inventory import add_inventory
from simulators.store_orders import add_order_lists


class Storefronts:
    """What the simulator holds while it runs."""

    def __init__(self, shopify_token: str, woo_key: str, woo_secret: str) -> None:
        self.shopify_token = shopify_token
        self.woo_key = woo_key
        self.woo_secret = woo_secret
        self.shopify_orders: dict[str, dict[str, Any]] = {}
        self.fulfillment_orders: dict[int, dict[str, Any]] = {}
        self.woo_orders: dict[str, dict[str, Any]] = {}
        self.woo_refunds: dict[str, list[dict[str, Any]]] = {}
        self.received: dict[str, Any] = {
            "fulfillments": [],
            "notes": [],
            "statuses": {},
            "tags": {},
        }
        self.ids = itertools.count(1)


router = APIRouter()


def _sim(request: Request) -> Storefronts:
    sim: Storefronts = request.app.state.sim
    return sim


Sim = Annotated[Storefronts, Depends(_sim)]


@router.post("/_orders/{platform}")
async def register(sim: Sim, platform: str, order: dict[str, Any]) -> dict[str, str]:
    if platform == "shopify":
        sim.shopify_orders[str(order["id"])] = order
        fo_id = int(order["id"]) * 10 + 1
        sim.fulfillment_orders[fo_id] = {
            "id": fo_id,
            "order_id": order["id"],
            "status": "open",
            "line_items": [
                {
                    "id": li["id"] * 10,
                    "line_item_id": li["id"],
                    "variant_id": li.get("variant_id"),
                    "quantity": li["quantity"],
                    "fulfillable_quantity": li["quantity"],
                }
                for li in order["line_items"]
                if li.get("requires_shipping", True)
            ],
        }
    else:
        sim.woo_orders[str(order["id"])] = {**order}
    return {"registered": str(order["id"])}


@router.post("/_refunds/woocommerce/{order_id}")
async def register_refund(sim: Sim, order_id: str, refund: dict[str, Any]) -> dict[str, str]:
    sim.woo_refunds.setdefault(order_id, []).append(refund)
    return {"registered": str(refund["id"])}


@router.get("/wp-json/wc/v3/orders/{order_id}/refunds")
async def list_refunds(
    sim: Sim, order_id: str, authorization: str | None = Header(None)
) -> list[Any]:
    woo_auth(sim, authorization)
    if order_id not in sim.woo_orders:
        raise HTTPException(404, {"code": "woocommerce_rest_shop_order_invalid_id"})
    return sim.woo_refunds.get(order_id, [])


@router.get("/_received")
async def what_was_received(sim: Sim) -> dict[str, Any]:
    return sim.received


@router.get("/admin/api/{version}/orders/{order_id}/fulfillment_orders.json")
async def list_fulfillment_orders(
    sim: Sim, version: str, order_id: str, x_shopify_access_token: str | None = Header(None)
) -> dict[str, Any]:
    shopify_auth(sim, x_shopify_access_token)
    if order_id not in sim.shopify_orders:
        raise HTTPException(404, {"errors": "Not Found"})
    return {
        "fulfillment_orders": [
            fo for fo in sim.fulfillment_orders.values() if str(fo["order_id"]) == order_id
        ]
    }


@router.post("/admin/api/{version}/fulfillments.json", status_code=201)
async def create_fulfillment(
    sim: Sim, version: str, body: dict[str, Any], x_shopify_access_token: str | None = Header(None)
) -> dict[str, Any]:
    shopify_auth(sim, x_shopify_access_token)
    spec = body.get("fulfillment") or {}
    groups = spec.get("line_items_by_fulfillment_order") or []
    if not groups:
        raise HTTPException(
            422, {"errors": {"line_items_by_fulfillment_order": ["can't be blank"]}}
        )
    for group in groups:
        fo = sim.fulfillment_orders.get(int(group["fulfillment_order_id"]))
        if fo is None or fo["status"] == "closed":
            raise HTTPException(422, {"errors": "fulfillment order is not open"})
        for item in group.get("fulfillment_order_line_items", []):
            line = next((li for li in fo["line_items"] if li["id"] == item["id"]), None)
            if line is None or item["quantity"] > line["fulfillable_quantity"]:
                raise HTTPException(422, {"errors": f"invalid quantity for line item {item['id']}"})
    for group in groups:
        fo = sim.fulfillment_orders[int(group["fulfillment_order_id"])]
        for item in group.get("fulfillment_order_line_items", []):
            line = next(li for li in fo["line_items"] if li["id"] == item["id"])
            line["fulfillable_quantity"] -= item["quantity"]
        if all(li["fulfillable_quantity"] == 0 for li in fo["line_items"]):
            fo["status"] = "closed"
    tracking = spec.get("tracking_info") or {}
    fulfillment = {
        "id": next(sim.ids),
        "order_id": sim.fulfillment_orders[int(groups[0]["fulfillment_order_id"])]["order_id"],
        "status": "success",
        "tracking_company": tracking.get("company"),
        "tracking_number": tracking.get("number"),
        "tracking_numbers": [tracking["number"]] if tracking.get("number") else [],
        "tracking_info": spec.get("tracking_info"),
        "line_items_by_fulfillment_order": groups,
    }
    sim.received["fulfillments"].append(fulfillment)
    return {"fulfillment": fulfillment}


@router.get("/admin/api/{version}/orders/{order_id}/fulfillments.json")
async def list_fulfillments(
    sim: Sim, version: str, order_id: str, x_shopify_access_token: str | None = Header(None)
) -> dict[str, Any]:
    """The order's fulfillments, each with its one tracking number."""
    shopify_auth(sim, x_shopify_access_token)
    if order_id not in sim.shopify_orders:
        raise HTTPException(404, {"errors": "Not Found"})
    found = [f for f in sim.received["fulfillments"] if str(f["order_id"]) == order_id]
    return {"fulfillments": found}


@router.get("/wp-json/wc/v3/orders/{order_id}/notes")
async def list_notes(
    sim: Sim, order_id: str, authorization: str | None = Header(None)
) -> list[Any]:
    woo_auth(sim, authorization)
    if order_id not in sim.woo_orders:
        raise HTTPException(404, {"code": "woocommerce_rest_shop_order_invalid_id"})
    return [n for n in sim.received["notes"] if n["order_id"] == order_id]


@router.post("/wp-json/wc/v3/orders/{order_id}/notes", status_code=201)
async def add_note(
    sim: Sim, order_id: str, body: dict[str, Any], authorization: str | None = Header(None)
) -> dict[str, Any]:
    woo_auth(sim, authorization)
    if order_id not in sim.woo_orders:
        raise HTTPException(404, {"code": "woocommerce_rest_shop_order_invalid_id"})
    note = {
        "id": next(sim.ids),
        "order_id": order_id,
        "note": body.get("note", ""),
        "customer_note": bool(body.get("customer_note")),
    }
    sim.received["notes"].append(note)
    return note


@router.put("/wp-json/wc/v3/orders/{order_id}")
async def update_order(
    sim: Sim, order_id: str, body: dict[str, Any], authorization: str | None = Header(None)
) -> dict[str, Any]:
    woo_auth(sim, authorization)
    if order_id not in sim.woo_orders:
        raise HTTPException(404, {"code": "woocommerce_rest_shop_order_invalid_id"})
    sim.woo_orders[order_id].update(body)
    sim.received["statuses"][order_id] = sim.woo_orders[order_id].get("status")
    return sim.woo_orders[order_id]


def shopify_auth(sim: Storefronts, token: str | None) -> None:
    if token != sim.shopify_token:
        raise HTTPException(401, {"errors": "[API] Invalid API key or access token"})


def woo_auth(sim: Storefronts, authorization: str | None) -> None:
    expected = "Basic " + base64.b64encode(f"{sim.woo_key}:{sim.woo_secret}".encode()).decode()
    if authorization != expected:
        raise HTTPException(401, {"code": "woocommerce_rest_cannot_view"})


def create_app(
    shopify_token: str, woo_key: str, woo_secret: str, bigcommerce_token: str = ""
) -> FastAPI:
    app = FastAPI(title="storefront API simulator")
    sim = app.state.sim = Storefronts(shopify_token, woo_key, woo_secret)
    app.include_router(router)
    add_outage_switch(app)
    add_inventory(app, partial(shopify_auth, sim), partial(woo_auth, sim))
    app.state.inventory.other_operations = partial(tags_add, sim)
    add_order_lists(app, partial(shopify_auth, sim), partial(woo_auth, sim))
    add_fulfillment_events(app, partial(shopify_auth, sim), sim.received)
    add_bigcommerce(app, bigcommerce_token, sim.received)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's storefront API simulator")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(
        os.environ["SHOPIFY_TOKEN"],
        os.environ["WOO_KEY"],
        os.environ["WOO_SECRET"],
        os.environ.get("BIGCOMMERCE_TOKEN", ""),
    )
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
