"""Refunds as Shopify (`refunds/create`) and WooCommerce (`GET /orders/{id}/refunds`,
and the action webhook naming the order) send them, for orders built by `storefronts`."""

from decimal import Decimal
from typing import Any

from simulators.storefronts import money_text


def shopify_refund(
    order: dict[str, Any],
    refund_id: int,
    lines: list[tuple[int, int, str]],
    shipping: str = "0.00",
) -> dict[str, Any]:
    """A `refunds/create` payload for `order`: (line index, quantity, restock_type) per line.

    Tax is refunded in proportion to the units, rounded to the cent, as Shopify does.
    """
    items = [_refund_line(order, refund_id, *line) for line in lines]
    total = Decimal(shipping) + sum((sum(_refunded(order, i, q)) for i, q, _ in lines), Decimal(0))
    adjustments = (
        [
            {
                "id": refund_id,
                "amount": f"-{shipping}",
                "tax_amount": "0.00",
                "kind": "shipping_refund",
                "reason": "Shipping refund",
            }
        ]
        if Decimal(shipping)
        else []
    )
    return {
        "id": refund_id,
        "order_id": order["id"],
        "created_at": "2026-11-28T16:00:00-05:00",
        "note": "refund",
        "restock": any(r == "return" for _, _, r in lines),
        "refund_line_items": items,
        "order_adjustments": adjustments,
        "transactions": [
            {
                "id": refund_id,
                "order_id": order["id"],
                "kind": "refund",
                "status": "success",
                "amount": money_text(total),
                "currency": order["currency"],
                "gateway": "bogus",
            }
        ],
    }


def _refund_line(
    order: dict[str, Any], refund_id: int, index: int, quantity: int, restock_type: str
) -> dict[str, Any]:
    item = order["line_items"][index]
    subtotal, tax = _refunded(order, index, quantity)
    return {
        "id": refund_id * 10 + index,
        "line_item_id": item["id"],
        "quantity": quantity,
        "restock_type": restock_type,
        "location_id": 1,
        "subtotal": float(subtotal),
        "total_tax": float(tax),
        "subtotal_set": {
            "shop_money": {"amount": money_text(subtotal), "currency_code": order["currency"]}
        },
        "line_item": {
            "id": item["id"],
            "sku": item["sku"],
            "variant_id": item["variant_id"],
            "title": item["title"],
        },
    }


def _refunded(order: dict[str, Any], index: int, quantity: int) -> tuple[Decimal, Decimal]:
    """(subtotal, tax) of `quantity` units of a line: tax in proportion to the units,
    rounded to the cent, as Shopify does."""
    item = order["line_items"][index]
    line_tax = sum((Decimal(t["price"]) for t in item["tax_lines"]), Decimal(0))
    tax = (line_tax * quantity / item["quantity"]).quantize(Decimal("0.01"))
    return Decimal(item["price"]) * quantity, tax


def woocommerce_refund(
    order: dict[str, Any], refund_id: int, lines: list[tuple[int, int]], shipping: str = "0.00"
) -> dict[str, Any]:
    """A refund as WooCommerce's `GET /orders/{id}/refunds` returns it (amounts negative)."""
    items, total = [], Decimal(shipping)
    for index, quantity in lines:
        item = order["line_items"][index]
        subtotal = Decimal(item["subtotal"]) * quantity / item["quantity"]
        total += subtotal
        items.append(
            {
                "id": refund_id * 10 + index,
                "name": item["name"],
                "sku": item["sku"],
                "product_id": item["product_id"],
                "variation_id": item["variation_id"],
                "quantity": -quantity,
                "subtotal": money_text(-subtotal),
                "total": money_text(-subtotal),
                "total_tax": "0.00",
                "meta_data": [{"key": "_refunded_item_id", "value": str(item["id"])}],
            }
        )
    shipping_lines = [{"total": f"-{shipping}", "total_tax": "0.00"}] if Decimal(shipping) else []
    return {
        "id": refund_id,
        "amount": money_text(total),
        "reason": "damaged in transit",
        "line_items": items,
        "shipping_lines": shipping_lines,
    }


def woocommerce_refunded_action(order_id: int) -> dict[str, Any]:
    """The action webhook `action.woocommerce_order_refunded` sends: the order id only."""
    return {"action": "woocommerce_order_refunded", "arg": order_id}
