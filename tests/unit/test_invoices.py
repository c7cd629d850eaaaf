import uuid
from datetime import UTC, datetime

from services.accounting_poster.invoices import invoice_document, invoice_html, money
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals

ORDER = OrderPlaced(
    correlation_id=uuid.uuid4(),
    order_id=uuid.uuid4(),
    channel="b2b-shop",
    channel_order_ref="9",
    channel_order_name="#9",
    currency="EUR",
    customer_company="Smith & Sons <Ltd>",
    customer_email="buyer@smith.test",
    lines=(
        OrderLine(
            line_ref="1",
            kind=LineKind.STOCK,
            sku="PAL-1",
            title="Pallet",
            quantity=4,
            gross_minor=40000,
            tax_minor=7600,
        ),
    ),
    totals=OrderTotals(
        items_minor=40000,
        discount_minor=0,
        shipping_minor=2500,
        tax_minor=7600,
        total_minor=50100,
        taxes_included=False,
    ),
)


def test_invoice_document_carries_the_order_totals_exactly() -> None:
    doc = invoice_document(ORDER, "INV-2026-000001", datetime(2026, 11, 28, tzinfo=UTC))
    assert doc["totals"]["total_minor"] == 50100
    assert doc["bill_to"]["company"] == "Smith & Sons <Ltd>"
    assert doc["lines"][0]["quantity"] == 4


def test_printable_invoice_escapes_what_customers_typed() -> None:
    html = invoice_html(
        invoice_document(ORDER, "INV-2026-000001", datetime(2026, 11, 28, tzinfo=UTC))
    )
    assert "Smith &amp; Sons &lt;Ltd&gt;" in html
    assert "<Ltd>" not in html
    assert "501.00 EUR" in html


def test_money_prints_each_currency_with_its_own_decimals() -> None:
    assert money(50100, "EUR") == "501.00 EUR"
    assert money(1500, "JPY") == "1500 JPY"
    assert money(1234, "KWD") == "1.234 KWD"
