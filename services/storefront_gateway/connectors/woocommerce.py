"""WooCommerce REST API v3 (basic auth with the consumer key and secret).

Stock, prices and details through `GET /products` (paged) and `POST /products/batch`
(up to 100 updates); tracking as a customer-visible order note, then the order set
`completed`; an order's refunds read back from `GET /orders/{id}/refunds`.
"""

from datetime import datetime
from typing import Any

from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.stock import (
    ChannelStock,
    Listed,
    ListingPush,
    Push,
    Results,
    listing_title,
    price_fields,
)

API = "/wp-json/wc/v3"
BATCH = f"{API}/products/batch"


async def add_tracking_note(api: Endpoint, payload: dict[str, Any]) -> None:
    """Tracking as a customer note; an update that may have been sent before (its
    sender died or timed out) is looked for first, so a retry adds no second note."""
    note = f"Shipped with {payload['carrier']}, tracking {payload['tracking_number']}" + (
        f" ({payload['tracking_url']})" if payload.get("tracking_url") else ""
    )
    notes = f"{API}/orders/{payload['channel_order_ref']}/notes"
    if payload.get("maybe_sent"):
        existing = await api.call("GET", notes)
        if any(n.get("note") == note for n in existing if isinstance(n, dict)):
            return
    # A customer note is emailed to the customer by WooCommerce; where Crossdock tells the
    # customer itself, the note stays private (on the order, for the merchant).
    visible = bool(payload.get("notify_customer", True))
    await api.call("POST", notes, json={"note": note, "customer_note": visible})


async def add_private_note(api: Endpoint, payload: dict[str, Any]) -> None:
    """A note for the merchant only (`customer_note: false`: WooCommerce mails customer
    notes to the customer), looked for first so a retry adds no second one.
    https://woocommerce.github.io/woocommerce-rest-api-docs/#create-an-order-note"""
    notes = f"{API}/orders/{payload['channel_order_ref']}/notes"
    existing = await api.call("GET", notes)
    if any(n.get("note") == payload["note"] for n in existing if isinstance(n, dict)):
        return
    await api.call("POST", notes, json={"note": payload["note"], "customer_note": False})


async def complete_order(api: Endpoint, payload: dict[str, Any]) -> None:
    ref = payload["channel_order_ref"]
    await api.call("PUT", f"{API}/orders/{ref}", json={"status": "completed"})


async def refunds(api: Endpoint, order_ref: str) -> list[Any]:
    """Every refund of an order, fetched from the store's own API."""
    found = await api.call("GET", f"{API}/orders/{order_ref}/refunds")
    return list(found) if isinstance(found, list) else []


async def orders_modified_since(api: Endpoint, since: datetime) -> list[dict[str, Any]]:
    """Orders modified after `since`, for the hub to take in those its webhooks missed
    (`GET /orders?modified_after=…&per_page=100&page=N`, oldest first)."""
    found: list[dict[str, Any]] = []
    for page in range(1, 501):
        params = {
            "modified_after": since.strftime("%Y-%m-%dT%H:%M:%S"),
            "dates_are_gmt": "true",
            "per_page": 100,
            "page": page,
            "orderby": "modified",
            "order": "asc",
        }
        batch = await api.call("GET", f"{API}/orders", params=params)
        found += [o for o in batch if isinstance(o, dict)] if isinstance(batch, list) else []
        if not isinstance(batch, list) or len(batch) < 100:
            break
    return found


class WooStock(ChannelStock):
    max_batch = 100

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]:
        found: dict[str, Listed] = {}
        page = 1
        while True:
            params = {"per_page": 100, "page": page}
            items = await self.call(budget, "GET", f"{API}/products", params=params)
            for p in items:
                if p.get("sku"):
                    found[p["sku"]] = Listed({"id": p["id"]}, int(p.get("stock_quantity") or 0))
            if len(items) < 100:
                return found
            page += 1

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results:
        update = [
            {"id": p.listing["id"], "manage_stock": True, "stock_quantity": p.quantity}
            for p in pushes
        ]
        answer = await self.call(budget, "POST", BATCH, json={"update": update})
        return _batch_results(pushes, answer)

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """A compare-at price becomes the regular price and the price the sale price."""
        update = []
        for p in pushes:
            price, compare_at = price_fields(p.payload)
            regular, sale = (compare_at, price) if compare_at else (price, "")
            update.append({"id": p.listing["id"], "regular_price": regular, "sale_price": sale})
        answer = await self.call(budget, "POST", BATCH, json={"update": update})
        return _batch_results(pushes, answer)

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        update = [{"id": p.listing["id"], **_details(p.payload)} for p in pushes]
        answer = await self.call(budget, "POST", BATCH, json={"update": update})
        return _batch_results(pushes, answer)

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """Simple products, stock managed by WooCommerce (and set by us), published."""
        create = [
            {
                "name": listing_title(p.payload),
                "sku": self.channel_sku(p.sku),
                "type": "simple",
                "status": "publish",
                "description": p.payload.get("description") or "",
                "global_unique_id": p.payload.get("barcode") or "",
                "manage_stock": True,
                "stock_quantity": 0,
            }
            for p in pushes
        ]
        answer = await self.call(budget, "POST", BATCH, json={"create": create})
        results: Results = {p.sku: Refused("not in the batch answer") for p in pushes}
        for p, item in zip(pushes, answer.get("create", []), strict=False):
            error = item.get("error")
            results[p.sku] = Refused(str(error.get("message"))) if error else None
        return results


def _details(details: dict[str, Any]) -> dict[str, Any]:
    grams = details.get("weight_grams")
    return {
        "name": details["title"],
        "description": details.get("description") or "",
        "global_unique_id": details.get("barcode") or "",
        "weight": f"{grams / 1000:g}" if grams is not None else "",
    }


def _batch_results(pushes: list[Push] | list[ListingPush], answer: dict[str, Any]) -> Results:
    by_id = {p.listing["id"]: p.sku for p in pushes}
    results: Results = {p.sku: Refused("not in the batch answer") for p in pushes}
    for item in answer.get("update", []):
        sku = by_id.get(item.get("id"))
        if sku is not None:
            error = item.get("error")
            results[sku] = Refused(str(error.get("message"))) if error else None
    return results
