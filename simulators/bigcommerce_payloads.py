"""BigCommerce's thin `store/order/created` webhook and the V2 order documents it names."""

import hashlib
from decimal import Decimal
from typing import Any

from simulators.storefronts import Line

# An address as the V2 Orders API gives it (billing_address, shipping_addresses):
# https://developer.bigcommerce.com/docs/rest-management/orders/order-shipping-addresses
BC_ADDRESS = {
    "first_name": "Alan",
    "last_name": "Turing",
    "company": "",
    "street_1": "200 Park Avenue",
    "street_2": "",
    "city": "New York",
    "state": "New York",
    "zip": "10166",
    "country": "United States",
    "country_iso2": "US",
    "phone": "212-555-0199",
}


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
        "billing_address": {**BC_ADDRESS, "email": "buyer@bc.test"},
        "customer_message": "Leave with the concierge",
    }
    shipping_addresses = [
        {"id": 1, "order_id": order_id, **BC_ADDRESS, "email": "buyer@bc.test",
         "shipping_method": "Flat Rate"}
    ]  # fmt: skip
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


def bigcommerce_status_webhook(
    store_hash: str, order_id: int, previous: int, new: int
) -> dict[str, Any]:
    """`store/order/statusUpdated` as BigCommerce documents it: the order id and the old
    and new status ids (5 Cancelled, 4 Refunded, 14 Partially Refunded...)."""
    return {
        "scope": "store/order/statusUpdated",
        "store_id": "1025646",
        "data": {
            "type": "order",
            "id": order_id,
            "status": {"previous_status_id": previous, "new_status_id": new},
        },
        "hash": hashlib.sha1(f"{store_hash}:{order_id}:{previous}:{new}".encode()).hexdigest(),
        "created_at": 1764331260,
        "producer": f"stores/{store_hash}",
    }


def bigcommerce_refund(
    refund_id: int, order_id: int, items: list[dict[str, Any]], total: str, tax: str
) -> dict[str, Any]:
    """A refund as `GET /v3/orders/{id}/payment_actions/refunds` lists it (amounts are
    numbers): https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds"""
    return {
        "id": refund_id,
        "order_id": order_id,
        "user_id": 0,
        "created": "2026-12-02T10:00:00+00:00",
        "reason": "Customer changed their mind",
        "total_amount": float(total),
        "total_tax": float(tax),
        "uses_merchant_override_values": False,
        "items": items,
        "payments": [
            {"id": refund_id * 10, "provider_id": "testgateway", "amount": float(total),
             "offline": False, "is_declined": False, "declined_message": ""}
        ],
    }  # fmt: skip
