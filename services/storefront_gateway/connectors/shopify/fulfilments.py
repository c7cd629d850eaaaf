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


async def _tracked(api: Endpoint, ref: str, number: str) -> bool:
    """Whether the order already has a fulfillment with this tracking number (each
    fulfillment carries one: https://shopify.dev/api/admin-rest/2025-01/resources/fulfillment)."""
    found = await api.call("GET", f"{ADMIN}/orders/{ref}/fulfillments.json")
    return any(
        f.get("status") != "cancelled"
        and (f.get("tracking_number") == number or number in (f.get("tracking_numbers") or []))
        for f in found.get("fulfillments", [])
    )


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
