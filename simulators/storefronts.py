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


# A shipping address in the Order resource's shape (name, address1, address2, city,
# province, province_code, zip, country, country_code, phone, company, first/last name):
# https://shopify.dev/docs/api/admin-rest/2025-10/resources/order
SHOPIFY_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "name": "Ada Lovelace",
    "company": None,
    "address1": "350 Fifth Avenue",
    "address2": "Suite 4100",
    "city": "New York",
    "province": "New York",
    "province_code": "NY",
    "zip": "10118",
    "country": "United States",
    "country_code": "US",
    "phone": "+1 212-555-0100",
}
# WooCommerce's order `shipping` / `billing` (first_name, last_name, company, address_1,
# address_2, city, state, postcode, country, phone; billing adds email):
# https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
WOO_ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "company": "",
    "address_1": "Unter den Linden 1",
    "address_2": "",
    "city": "Berlin",
    "state": "BE",
    "postcode": "10117",
    "country": "DE",
}


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
        # Shopify numbers a shop's orders in sequence; the id's last nine digits stand in
        # for that number, unique enough that two orders of one run never share a name.
        "name": f"#{order_id % 10**9}",
        "order_number": order_id % 10**9,
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
        "shipping_address": SHOPIFY_ADDRESS,
        "billing_address": SHOPIFY_ADDRESS,
        "note": None,
        "created_at": "2026-11-28T10:00:00-05:00",
        "updated_at": "2026-11-28T10:00:00-05:00",
    }


def tax_inclusive_shopify_order(
    order_id: int,
    lines: list[tuple[Line, str]],
    shipping: str = "5.95",
    shipping_rate: str = "0.19",
    currency: str = "EUR",
) -> dict[str, Any]:
    """An EU store's `orders/create`: prices include VAT (`taxes_included: true`), each
    line's tax_lines give the VAT inside its price at its own rate, the shipping line's
    tax_lines the VAT inside the shipping; `total_price` is the sum of the prices and
    `total_tax` of the VAT in them (REST Admin API 2025-10, Order resource: line_items
    tax_lines price/rate/title, shipping_lines tax_lines, taxes_included)."""
    order = shopify_order(order_id, [line for line, _ in lines], currency, shipping, "0")
    subtotal, tax = Decimal(0), Decimal(0)
    for item, (line, rate) in zip(order["line_items"], lines, strict=True):
        gross = Decimal(line.price) * line.quantity
        inside = (gross * Decimal(rate) / (1 + Decimal(rate))).quantize(Decimal("0.01"))
        item["tax_lines"] = [{"title": "MwSt", "price": money_text(inside), "rate": float(rate)}]
        subtotal, tax = subtotal + gross, tax + inside
    carried = Decimal(shipping)
    shipping_tax = (carried * Decimal(shipping_rate) / (1 + Decimal(shipping_rate))).quantize(
        Decimal("0.01")
    )
    order["shipping_lines"][0]["tax_lines"] = [
        {"title": "MwSt", "price": money_text(shipping_tax), "rate": float(shipping_rate)}
    ]
    tax += shipping_tax
    order.update(
        taxes_included=True,
        subtotal_price=money_text(subtotal),
        total_tax=money_text(tax),
        total_price=money_text(subtotal + carried),
    )
    return order


def edited_shopify_order(
    order: dict[str, Any], quantities: dict[str, int], updated_at: str, **changes: Any
) -> dict[str, Any]:
    """The `orders/updated` payload after an order edit, as Shopify documents it: each
    line keeps its original `quantity` and says what is left in `current_quantity` (0:
    removed, the line stays); the order's `current_*` totals follow the edit, the
    original ones do not (REST Admin API 2025-10, Order resource; changelog "Addition of
    LineItem current_quantity on Admin REST API", 2024-01). `changes` replace top-level
    fields (a new `shipping_address`, say)."""
    items, subtotal, tax = [], Decimal(0), Decimal(0)
    for item in order["line_items"]:
        left = quantities.get(item["sku"], item.get("current_quantity", item["quantity"]))
        rate = Decimal(str(item["tax_lines"][0]["rate"])) if item["tax_lines"] else Decimal(0)
        gross = Decimal(item["price"]) * left
        subtotal += gross
        tax += (gross * rate).quantize(Decimal("0.01"))
        items.append({**item, "current_quantity": left})
    shipping = sum((Decimal(x["price"]) for x in order["shipping_lines"]), Decimal(0))
    return {
        **order,
        "line_items": items,
        "current_subtotal_price": money_text(subtotal),
        "current_total_tax": money_text(tax),
        "current_total_discounts": order["total_discounts"],
        "current_total_price": money_text(subtotal + tax + shipping),
        "updated_at": updated_at,
        **changes,
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
        "billing": {**WOO_ADDRESS, "email": "customer@crossdock.test", "phone": "+49 30 901820"},
        "shipping": {**WOO_ADDRESS, "phone": ""},
        "customer_note": "",
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
