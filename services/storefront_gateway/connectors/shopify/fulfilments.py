"""Fulfilments over the REST Admin API: against fulfillment orders (`GET .../orders/{id}/
fulfillment_orders.json`, then `POST .../fulfillments.json` with `tracking_info`)."""

from typing import Any

from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.shopify import ADMIN


async def fulfil(api: Endpoint, payload: dict[str, Any]) -> None:
    """A fulfillment per parcel. Shopify takes no idempotency key for it, so an
    update that may have been sent before is first looked for by its tracking number."""
    ref = payload["channel_order_ref"]
    if payload.get("maybe_sent") and await _tracked(api, ref, payload["tracking_number"]):
        return
    found = await api.call("GET", f"{ADMIN}/orders/{ref}/fulfillment_orders.json")
    wanted = {str(item["line_ref"]): item["quantity"] for item in payload["line_items"]}
    by_order = _open_groups(found.get("fulfillment_orders", []), wanted)
    if not by_order:
        raise Refused(f"order {ref}: no open fulfilment order holds these lines")
    tracking = {
        "company": payload["carrier"],
        "number": payload["tracking_number"],
        "url": payload.get("tracking_url"),
    }
    body = {
        "fulfillment": {
            "line_items_by_fulfillment_order": by_order,
            "tracking_info": tracking,
            # Shopify sends its shipping confirmation when the channel has it tell customers.
            "notify_customer": bool(payload.get("notify_customer", False)),
        }
    }
    await api.call("POST", f"{ADMIN}/fulfillments.json", json=body)


async def add_event(api: Endpoint, payload: dict[str, Any]) -> None:
    """The carrier's word on a parcel, as an event of the fulfillment that carries its
    tracking number (REST FulfillmentEvent: `POST orders/{id}/fulfillments/{id}/events.json`,
    `{"event": {"status": "in_transit", ...}}`). A status Shopify has no word for (an
    EasyPost `unknown`, say) is not sent; one already there is not sent twice."""
    status = payload.get("shopify_status")
    if not status:
        return
    ref, number = payload["channel_order_ref"], payload["tracking_number"]
    found = await api.call("GET", f"{ADMIN}/orders/{ref}/fulfillments.json")
    fulfillment = next((f for f in found.get("fulfillments", []) if _carries(f, number)), None)
    if fulfillment is None:
        raise Refused(f"order {ref}: no fulfillment carries tracking number {number}")
    events = f"{ADMIN}/orders/{ref}/fulfillments/{fulfillment['id']}/events.json"
    listed = await api.call("GET", events)
    said = (payload["happened_at"], status)
    if any(
        (e.get("happened_at"), e.get("status")) == said
        for e in listed.get("fulfillment_events", [])
    ):
        return
    keys = ("message", "happened_at", "city", "province", "country", "zip")
    event = {"status": status, **{k: payload[k] for k in keys if payload.get(k)}}
    await api.call("POST", events, json={"event": event})


def _carries(fulfillment: dict[str, Any], number: str) -> bool:
    return fulfillment.get("status") != "cancelled" and (
        fulfillment.get("tracking_number") == number
        or number in (fulfillment.get("tracking_numbers") or [])
    )


async def _tracked(api: Endpoint, ref: str, number: str) -> bool:
    """Whether the order already has a fulfillment with this tracking number (each
    fulfillment carries one: https://shopify.dev/api/admin-rest/2025-01/resources/fulfillment)."""
    found = await api.call("GET", f"{ADMIN}/orders/{ref}/fulfillments.json")
    return any(_carries(f, number) for f in found.get("fulfillments", []))


def _open_groups(fulfillment_orders: list[Any], wanted: dict[str, int]) -> list[dict[str, Any]]:
    """The parcel's lines, per open fulfillment order holding them (Shopify fulfils
    against fulfillment orders, not the order's own line items)."""
    groups = []
    for fulfillment_order in fulfillment_orders:
        if fulfillment_order.get("status") not in ("open", "in_progress"):
            continue
        items = [
            {"id": li["id"], "quantity": wanted[str(li["line_item_id"])]}
            for li in fulfillment_order.get("line_items", [])
            if str(li["line_item_id"]) in wanted
        ]
        if items:
            groups.append(
                {
                    "fulfillment_order_id": fulfillment_order["id"],
                    "fulfillment_order_line_items": items,
                }
            )
    return groups
