"""Shopify orders: tagged with what became of them (`tagsAdd`), and read back for the hub
to take in those its webhooks missed:
`GET /orders.json?status=any&updated_at_min=…&limit=250`, page after page by the `Link`
header's `rel="next"` URL (cursor pagination: the filters go only in the first request,
https://shopify.dev/docs/api/admin-rest/usage/pagination)."""

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.shopify import ADMIN

GRAPHQL = f"{ADMIN}/graphql.json"

NEXT = re.compile(r'<([^>]+)>;\s*rel="?next"?')
MAX_PAGES = 200  # 50,000 orders in one pass: beyond that, the next pass goes on


async def orders_updated_since(api: Endpoint, since: datetime) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "status": "any",
        "updated_at_min": since.isoformat(),
        "limit": 250,
    }
    found: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = await api.response("GET", f"{ADMIN}/orders.json", params=params)
        found += list(response.json().get("orders", []))
        link = NEXT.search(response.headers.get("link", ""))
        if link is None:
            return found
        query = parse_qs(urlsplit(link.group(1)).query)
        params = {"page_info": query["page_info"][0], "limit": 250}
    return found


# https://shopify.dev/docs/api/admin-graphql/latest/mutations/tagsAdd: tags are added to
# those the order has (REST's `PUT orders/{id}.json` would replace them, and the note).
TAGS_ADD = """mutation addTags($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}"""


async def tag_order(api: Endpoint, payload: dict[str, Any]) -> None:
    """Tags the order with what became of it (a cancellation that came after a parcel
    left). A tag the order already has is not added twice, so a retry changes nothing."""
    variables = {
        "id": f"gid://shopify/Order/{payload['channel_order_ref']}",
        "tags": list(payload["tags"]),
    }
    document = await api.call("POST", GRAPHQL, json={"query": TAGS_ADD, "variables": variables})
    errors = document.get("errors") or (document.get("data") or {}).get("tagsAdd", {}).get(
        "userErrors"
    )
    if errors:
        raise Refused("; ".join(str(e.get("message")) for e in errors))
