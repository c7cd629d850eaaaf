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


def money_text(value: Decimal) -> str:
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
                "tax_lines": [
                    {"title": "Tax", "price": money_text(line_tax), "rate": float(tax_rate)}
                ],
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
        "total_price": money_text(total),
        "subtotal_price": money_text(subtotal),
        "total_tax": money_text(tax),
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
                "subtotal": money_text(gross),
                "subtotal_tax": "0.00",
                "total": money_text(gross),
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
        "total": money_text(total),
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
