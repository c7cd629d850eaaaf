"""Shopify order tags on the storefront API simulator, through the GraphQL Admin API."""

from typing import Any


def tags_add(sim: Any, body: dict[str, Any]) -> dict[str, Any] | None:
    """GraphQL `tagsAdd` on an order (shopify.dev/docs/api/admin-graphql/latest/mutations/
    tagsAdd): the tags join those the order has, a tag it has is not added twice; an
    unknown order is a user error, as the real API answers."""
    if "tagsAdd(" not in body.get("query", ""):
        return None
    variables = body.get("variables") or {}
    order_id = str(variables.get("id", "")).removeprefix("gid://shopify/Order/")
    tags = variables.get("tags") or []
    wanted = [t.strip() for t in (tags.split(",") if isinstance(tags, str) else tags)]
    order = sim.shopify_orders.get(order_id)
    if order is None:
        error = {"field": ["id"], "message": "Order does not exist"}
        return {"data": {"tagsAdd": {"node": None, "userErrors": [error]}}}
    have = [t.strip() for t in str(order.get("tags") or "").split(",") if t.strip()]
    order["tags"] = ", ".join(have + [t for t in wanted if t and t not in have])
    sim.received["tags"][order_id] = order["tags"]
    node = {"id": f"gid://shopify/Order/{order_id}"}
    return {"data": {"tagsAdd": {"node": node, "userErrors": []}}}
