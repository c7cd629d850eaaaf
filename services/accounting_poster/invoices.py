"""Invoices for B2B orders: a JSON document, and the same as printable HTML. Pure: the
number and the time are given; amounts stay integer minor units until they are printed."""

from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any

from shared.events.money import minor_unit_exponent
from shared.events.orders import OrderPlaced


def invoice_document(order: OrderPlaced, number: str, issued_at: datetime) -> dict[str, Any]:
    return {
        "invoice_number": number,
        "issued_at": issued_at.isoformat(),
        "order": {
            "id": str(order.order_id),
            "channel": order.channel,
            "name": order.channel_order_name,
        },
        "bill_to": {"company": order.customer_company, "email": order.customer_email},
        "currency": order.currency,
        "lines": _invoice_lines(order),
        "totals": order.totals.model_dump(
            include={
                "items_minor",
                "discount_minor",
                "shipping_minor",
                "tax_minor",
                "total_minor",
                "taxes_included",
            }
        ),
    }


def _invoice_lines(order: OrderPlaced) -> list[dict[str, Any]]:
    """Every line billed, the unmapped ones too (they were sold): without a SKU, and
    their discount and tax counted in the order's totals."""
    mapped = [
        {
            "sku": line.sku,
            "description": line.title,
            "quantity": line.quantity,
            "amount_minor": line.gross_minor,
            "discount_minor": line.discount_minor,
            "tax_minor": line.tax_minor,
        }
        for line in order.lines
    ]
    unmapped = [
        {
            "sku": None,
            "description": line.title,
            "quantity": line.quantity,
            "amount_minor": line.gross_minor,
            "discount_minor": 0,
            "tax_minor": 0,
        }
        for line in order.unmapped_lines
    ]
    return mapped + unmapped


def money(amount_minor: int, currency: str) -> str:
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(amount_minor).scaleb(-exponent):.{exponent}f} {currency}"


def invoice_html(doc: dict[str, Any]) -> str:
    cur = doc["currency"]
    rows = "".join(
        f"<tr><td>{escape(line['description'])}</td><td>{escape(line['sku'] or '')}</td>"
        f"<td class=n>{line['quantity']}</td>"
        f"<td class=n>{money(line['amount_minor'], cur)}</td></tr>"
        for line in doc["lines"]
    )
    totals = doc["totals"]
    summary = "".join(
        f"<tr><th colspan=3>{label}</th><td class=n>{money(totals[key], cur)}</td></tr>"
        for label, key in (
            ("Items", "items_minor"),
            ("Discounts", "discount_minor"),
            ("Shipping", "shipping_minor"),
            ("Tax", "tax_minor"),
            ("Total due", "total_minor"),
        )
    )
    bill_to = doc["bill_to"]
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>Invoice {escape(doc['invoice_number'])}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left}.n{text-align:right}"
        "@media print{body{margin:0}}</style></head><body>"
        f"<h1>Invoice {escape(doc['invoice_number'])}</h1>"
        f"<p>Issued {escape(doc['issued_at'][:10])} for order {escape(doc['order']['name'])}"
        f" ({escape(doc['order']['channel'])})</p>"
        f"<p>Bill to: {escape(bill_to['company'] or '')}<br>{escape(bill_to['email'] or '')}</p>"
        "<table><tr><th>Description</th><th>SKU</th>"
        "<th class=n>Qty</th><th class=n>Amount</th></tr>"
        f"{rows}{summary}</table></body></html>"
    )
