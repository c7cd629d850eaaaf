"""The stores' order lists, read back by a hub that missed webhooks.

Shopify: `GET /admin/api/{version}/orders.json?status=any&updated_at_min=…&limit=N`,
cursor-paginated: a `Link: <…page_info=…>; rel="next"` header while more remain, and a
request with `page_info` takes no other filter (400 otherwise), as documented at
https://shopify.dev/docs/api/admin-rest/usage/pagination.
WooCommerce: `GET /wp-json/wc/v3/orders?modified_after=…&per_page=N&page=P`.
Orders are those registered with `POST /_orders/{platform}`; an order's `updated_at` /
`date_modified_gmt` (its `created_at` / `date_created_gmt` when absent) is its time.
"""

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response

Auth = Callable[[str | None], None]
router = APIRouter()


def add_order_lists(app: FastAPI, shopify_auth: Auth, woo_auth: Auth) -> None:
    app.state.order_auth = {"shopify": shopify_auth, "woocommerce": woo_auth}
    app.include_router(router)


def _utc(text: str) -> datetime:
    """A timestamp as naive UTC (one given without an offset is taken as UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _when(order: dict[str, Any], *keys: str) -> datetime:
    found = next((str(order[k]) for k in keys if order.get(k)), None)
    return _utc(found) if found else datetime.min


@router.get("/admin/api/{version}/orders.json")
async def shopify_orders(
    request: Request,
    response: Response,
    version: str,
    limit: int = 50,
    status: str | None = None,
    updated_at_min: str | None = None,
    page_info: str | None = None,
    x_shopify_access_token: str | None = Header(None),
) -> dict[str, Any]:
    request.app.state.order_auth["shopify"](x_shopify_access_token)
    if page_info and (status or updated_at_min):
        raise HTTPException(
            400, {"errors": {"page_info": "page_info cannot be passed with filters"}}
        )
    if page_info:
        cursor = json.loads(base64.urlsafe_b64decode(page_info))
        since, offset = cursor["since"], cursor["offset"]
    else:
        since, offset = updated_at_min, 0
    orders = sorted(request.app.state.sim.shopify_orders.values(), key=lambda o: int(o["id"]))
    if since:
        orders = [o for o in orders if _when(o, "updated_at", "created_at") >= _utc(since)]
    page = orders[offset : offset + min(limit, 250)]
    if offset + len(page) < len(orders):
        token = json.dumps({"since": since, "offset": offset + len(page)}).encode()
        url = (
            f"{request.url.path}?limit={limit}&page_info={base64.urlsafe_b64encode(token).decode()}"
        )
        response.headers["link"] = f'<{request.base_url}{url.lstrip("/")}>; rel="next"'
    return {"orders": page}


@router.get("/wp-json/wc/v3/orders")
async def woo_orders(
    request: Request,
    modified_after: str | None = None,
    per_page: int = 10,
    page: int = 1,
    authorization: str | None = Header(None),
) -> list[dict[str, Any]]:
    request.app.state.order_auth["woocommerce"](authorization)
    orders = list(request.app.state.sim.woo_orders.values())
    if modified_after:
        floor = datetime.fromisoformat(modified_after).replace(tzinfo=None)
        orders = [
            o
            for o in orders
            if _when(o, "date_modified_gmt", "date_created_gmt").replace(tzinfo=None) > floor
        ]
    orders.sort(
        key=lambda o: _when(o, "date_modified_gmt", "date_created_gmt").replace(tzinfo=None)
    )
    size = min(per_page, 100)
    return orders[(page - 1) * size : page * size]
