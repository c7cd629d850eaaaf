"""Storefront platforms as webhook senders: documented order JSON, signed like the real ones."""

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


def _sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class Line:
    sku: str | None
    quantity: int
    price: str
    title: str = "Item"
    variant_id: int | None = None
    requires_shipping: bool = True


@dataclass(frozen=True)
class SignedWebhook:
    path: str
    headers: dict[str, str]
    body: bytes


def shopify_order(
    order_id: int,
    lines: list[Line],
    currency: str = "USD",
    shipping: str = "5.00",
    tax_rate: str = "0.10",
) -> dict[str, Any]:
    """An `orders/create` payload as Shopify documents it (the fields the hub reads, and more)."""
    items, subtotal, tax = [], Decimal(0), Decimal(0)
    for n, line in enumerate(lines, start=1):
        gross = Decimal(line.price) * line.quantity
        line_tax = (gross * Decimal(tax_rate)).quantize(Decimal("0.01"))
        subtotal, tax = subtotal + gross, tax + line_tax
        items.append(
            {
                "id": order_id * 100 + n,
                "variant_id": line.variant_id,
                "sku": line.sku or "",
                "title": line.title,
                "name": line.title,
                "quantity": line.quantity,
                "price": line.price,
                "total_discount": "0.00",
                "discount_allocations": [],
                "requires_shipping": line.requires_shipping,
                "gift_card": False,
                "taxable": True,
                "tax_lines": [{"title": "Tax", "price": _money(line_tax), "rate": float(tax_rate)}],
                "price_set": {"shop_money": {"amount": line.price, "currency_code": currency}},
            }
        )
    total = subtotal + tax + Decimal(shipping)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id % 100000}",
        "order_number": order_id % 100000,
        "email": "customer@crossdock.test",
        "currency": currency,
        "presentment_currency": currency,
        "financial_status": "paid",
        "total_price": _money(total),
        "subtotal_price": _money(subtotal),
        "total_tax": _money(tax),
        "total_discounts": "0.00",
        "taxes_included": False,
        "line_items": items,
        "shipping_lines": [{"id": order_id, "title": "Standard", "price": shipping, "code": "STD"}],
        "shipping_address": {"country_code": "US", "province_code": "NY", "zip": "10001"},
        "created_at": "2026-11-28T10:00:00-05:00",
    }


def woocommerce_order(
    order_id: int,
    lines: list[Line],
    currency: str = "EUR",
    shipping: str = "4.90",
    fees: list[tuple[str, str]] = (),
) -> dict[str, Any]:
    """An `order.created` payload in WooCommerce REST v3 shape (amounts as strings)."""
    items, subtotal = [], Decimal(0)
    for n, line in enumerate(lines, start=1):
        gross = Decimal(line.price) * line.quantity
        subtotal += gross
        items.append(
            {
                "id": order_id * 100 + n,
                "name": line.title,
                "product_id": line.variant_id or 0,
                "variation_id": 0,
                "quantity": line.quantity,
                "tax_class": "",
                "subtotal": _money(gross),
                "subtotal_tax": "0.00",
                "total": _money(gross),
                "total_tax": "0.00",
                "taxes": [],
                "sku": line.sku or "",
                "price": float(line.price),
            }
        )
    fee_lines = [
        {"id": order_id * 10 + i, "name": name, "total": amount, "total_tax": "0.00"}
        for i, (name, amount) in enumerate(fees, start=1)
    ]
    total = subtotal + Decimal(shipping) + sum((Decimal(a) for _, a in fees), Decimal(0))
    return {
        "id": order_id,
        "number": str(order_id),
        "status": "processing",
        "currency": currency,
        "prices_include_tax": False,
        "date_created_gmt": "2026-11-28T10:00:00",
        "date_modified_gmt": "2026-11-28T10:00:00",
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": shipping,
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": _money(total),
        "total_tax": "0.00",
        "billing": {"email": "customer@crossdock.test", "country": "DE"},
        "shipping": {"country": "DE", "postcode": "10115"},
        "line_items": items,
        "fee_lines": fee_lines,
        "shipping_lines": [
            {"id": order_id, "method_title": "Flat rate", "total": shipping, "total_tax": "0.00"}
        ],
        "coupon_lines": [],
    }


def signed_shopify(
    payload: dict[str, Any] | bytes,
    shop: str,
    secret: str,
    event_id: str | None = None,
    topic: str = "orders/create",
) -> SignedWebhook:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return SignedWebhook(
        "/webhooks/shopify",
        {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": _sign(secret, body),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": "2025-10",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2026-11-28T15:00:00.000Z",
        },
        body,
    )


def signed_woocommerce(
    payload: dict[str, Any] | bytes, source: str, secret: str, topic: str = "order.created"
) -> SignedWebhook:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    resource, _, event = topic.partition(".")
    return SignedWebhook(
        "/webhooks/woocommerce",
        {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": source,
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": _sign(secret, body),
            "X-WC-Webhook-ID": "7",
            "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
        },
        body,
    )


def shopify_refund(
    order: dict[str, Any],
    refund_id: int,
    lines: list[tuple[int, int, str]],
    shipping: str = "0.00",
) -> dict[str, Any]:
    """A `refunds/create` payload for `order`: (line index, quantity, restock_type) per line.

    Tax is refunded in proportion to the units, rounded to the cent, as Shopify does.
    """
    items, total = [], Decimal(shipping)
    for index, quantity, restock_type in lines:
        item = order["line_items"][index]
        subtotal = Decimal(item["price"]) * quantity
        line_tax = sum((Decimal(t["price"]) for t in item["tax_lines"]), Decimal(0))
        tax = (line_tax * quantity / item["quantity"]).quantize(Decimal("0.01"))
        total += subtotal + tax
        items.append(
            {
                "id": refund_id * 10 + index,
                "line_item_id": item["id"],
                "quantity": quantity,
                "restock_type": restock_type,
                "location_id": 1,
                "subtotal": float(subtotal),
                "total_tax": float(tax),
                "subtotal_set": {
                    "shop_money": {"amount": _money(subtotal), "currency_code": order["currency"]}
                },
                "line_item": {
                    "id": item["id"],
                    "sku": item["sku"],
                    "variant_id": item["variant_id"],
                    "title": item["title"],
                },
            }
        )
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
                "amount": _money(total),
                "currency": order["currency"],
                "gateway": "bogus",
            }
        ],
    }


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
                "subtotal": _money(-subtotal),
                "total": _money(-subtotal),
                "total_tax": "0.00",
                "meta_data": [{"key": "_refunded_item_id", "value": str(item["id"])}],
            }
        )
    shipping_lines = [{"total": f"-{shipping}", "total_tax": "0.00"}] if Decimal(shipping) else []
    return {
        "id": refund_id,
        "amount": _money(total),
        "reason": "damaged in transit",
        "line_items": items,
        "shipping_lines": shipping_lines,
    }


def woocommerce_refunded_action(order_id: int) -> dict[str, Any]:
    """The action webhook `action.woocommerce_order_refunded` sends: the order id only."""
    return {"action": "woocommerce_order_refunded", "arg": order_id}


def bigcommerce_order(
    order_id: int, lines: list[Line], currency: str = "USD", shipping: str = "6.00"
) -> dict[str, Any]:
    """A V2 order, its products and shipping address, as BigCommerce's API returns them
    (money as 4-decimal strings; tax-exclusive prices, tax added)."""
    products, subtotal, tax = [], Decimal(0), Decimal(0)
    for n, line in enumerate(lines, start=1):
        gross = Decimal(line.price) * line.quantity
        line_tax = (gross * Decimal("0.08")).quantize(Decimal("0.01"))
        subtotal, tax = subtotal + gross, tax + line_tax
        products.append(
            {
                "id": order_id * 10 + n,
                "order_id": order_id,
                "product_id": 100 + n,
                "variant_id": 200 + n,
                "sku": line.sku or "",
                "name": line.title,
                "quantity": line.quantity,
                "base_price": f"{Decimal(line.price):.4f}",
                "price_ex_tax": f"{Decimal(line.price):.4f}",
                "total_ex_tax": f"{gross:.4f}",
                "total_tax": f"{line_tax:.4f}",
                "applied_discounts": [],
            }
        )
    total = subtotal + tax + Decimal(shipping)
    order = {
        "id": order_id,
        "status": "Awaiting Fulfillment",
        "currency_code": currency,
        "subtotal_ex_tax": f"{subtotal:.4f}",
        "shipping_cost_ex_tax": f"{Decimal(shipping):.4f}",
        "total_tax": f"{tax:.4f}",
        "discount_amount": "0.0000",
        "coupon_discount": "0.0000",
        "total_ex_tax": f"{subtotal + Decimal(shipping):.4f}",
        "total_inc_tax": f"{total:.4f}",
        "billing_address": {"email": "buyer@bc.test", "company": "", "country_iso2": "US"},
    }
    shipping_addresses = [{"id": 1, "country_iso2": "US", "zip": "10001"}]
    return {"order": order, "products": products, "shipping": shipping_addresses}


def bigcommerce_webhook(store_hash: str, order_id: int) -> dict[str, Any]:
    """`store/order/created` as BigCommerce sends it: only the order's id."""
    return {
        "scope": "store/order/created",
        "store_id": "1025646",
        "data": {"type": "order", "id": order_id},
        "hash": hashlib.sha1(f"{store_hash}:{order_id}".encode()).hexdigest(),
        "created_at": 1764331200,
        "producer": f"stores/{store_hash}",
    }
