"""Shopify's fulfillment events on the store simulator, as the REST Admin API documents the
FulfillmentEvent resource: `POST /admin/api/{version}/orders/{order_id}/fulfillments/
{fulfillment_id}/events.json` with `{"event": {"status": ..., "message", "happened_at",
"city", "province", "country", "zip"}}` (422 for a status Shopify has no word for: label_printed,
label_purchased, attempted_delivery, ready_for_pickup, confirmed, in_transit,
out_for_delivery, delivered, failure), and `GET` of the same path listing them."""

from collections.abc import Callable
from itertools import count
from typing import Any

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request

STATUSES = frozenset(
    {
        "label_printed",
        "label_purchased",
        "attempted_delivery",
        "ready_for_pickup",
        "confirmed",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failure",
    }
)
PATH = "/admin/api/{version}/orders/{order_id}/fulfillments/{fulfillment_id}/events.json"
router = APIRouter()
ids = count(7_000_000)


def add_fulfillment_events(
    app: FastAPI, auth: Callable[[str | None], None], received: dict[str, Any]
) -> None:
    app.state.events_auth, app.state.received = auth, received
    received.setdefault("fulfillment_events", [])
    app.include_router(router)


def _fulfillment(request: Request, order_id: str, fulfillment_id: str) -> dict[str, Any]:
    found = next(
        (
            f
            for f in request.app.state.received["fulfillments"]
            if str(f["id"]) == fulfillment_id and str(f["order_id"]) == order_id
        ),
        None,
    )
    if found is None:
        raise HTTPException(404, {"errors": "Not Found"})
    return found


@router.get(PATH)
async def list_events(
    request: Request,
    version: str,
    order_id: str,
    fulfillment_id: str,
    x_shopify_access_token: str | None = Header(None),
) -> dict[str, Any]:
    request.app.state.events_auth(x_shopify_access_token)
    _fulfillment(request, order_id, fulfillment_id)
    events = request.app.state.received["fulfillment_events"]
    return {"fulfillment_events": [e for e in events if e["fulfillment_id"] == int(fulfillment_id)]}


@router.post(PATH, status_code=201)
async def create_event(
    request: Request,
    version: str,
    order_id: str,
    fulfillment_id: str,
    body: dict[str, Any],
    x_shopify_access_token: str | None = Header(None),
) -> dict[str, Any]:
    request.app.state.events_auth(x_shopify_access_token)
    fulfillment = _fulfillment(request, order_id, fulfillment_id)
    event = body.get("event")
    if not isinstance(event, dict):
        raise HTTPException(400, {"errors": {"event": "Required parameter missing or invalid"}})
    if event.get("status") not in STATUSES:
        raise HTTPException(422, {"errors": {"status": ["is not included in the list"]}})
    stored = {
        **{
            k: event.get(k)
            for k in ("status", "message", "happened_at", "city", "province", "country", "zip")
        },
        "id": next(ids),
        "fulfillment_id": fulfillment["id"],
        "order_id": int(order_id),
    }
    request.app.state.received["fulfillment_events"].append(stored)
    return {"fulfillment_event": stored}
