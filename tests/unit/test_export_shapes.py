import uuid
from datetime import UTC, datetime

from services.accounting_poster.exports import major, quickbooks_journal_entry, xero_manual_journal

ENTRY = {
    "entry_id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "currency": "USD",
    "memo": "sale shopify #1001",
    "doc_number": "1001",
    "posted_at": datetime(2026, 11, 28, 12, tzinfo=UTC),
    "lines": [
        {
            "line_no": 1,
            "account": "1100",
            "debit_minor": 1099,
            "credit_minor": 0,
            "description": "a",
        },
        {
            "line_no": 2,
            "account": "4000",
            "debit_minor": 0,
            "credit_minor": 999,
            "description": "b",
        },
        {
            "line_no": 3,
            "account": "2200",
            "debit_minor": 0,
            "credit_minor": 100,
            "description": "c",
        },
    ],
}


def test_minor_units_become_exact_major_amounts_per_currency() -> None:
    assert major(1099, "USD") == 10.99
    assert major(1500, "JPY") == 1500
    assert major(1234, "KWD") == 1.234


def test_quickbooks_lines_are_positive_amounts_flagged_debit_or_credit() -> None:
    entry = quickbooks_journal_entry(ENTRY)
    postings = [
        (line["JournalEntryLineDetail"]["PostingType"], line["Amount"]) for line in entry["Line"]
    ]
    assert postings == [("Debit", 10.99), ("Credit", 9.99), ("Credit", 1.0)]
    assert entry["DocNumber"] == "1001"  # the order's name: what an accountant looks for
    assert entry["TxnDate"] == "2026-11-28"


def test_xero_lines_are_signed_and_sum_to_zero() -> None:
    [journal] = xero_manual_journal(ENTRY)["ManualJournals"]
    amounts = [line["LineAmount"] for line in journal["JournalLines"]]
    assert amounts == [10.99, -9.99, -1.0]
    assert round(sum(amounts), 2) == 0
    assert journal["Narration"] == "1001: sale shopify #1001"


def test_document_numbers_say_which_order_and_what_and_fit_quickbooks() -> None:
    from services.accounting_poster.domain import doc_number

    assert doc_number("#1001", "sale", 1) == "1001"
    assert doc_number("#1001", "refund", 2) == "1001-R2"
    assert doc_number("#1001", "void", 1) == "1001-V"
    assert doc_number("#1001", "cogs", 3, clash=1) == "1001-C3~1"  # another shop's #1001
    long = doc_number("PO-ACME-INDUSTRIES-2026-000123", "refund", 1)
    assert long == "-INDUSTRIES-2026-000123-R1"[-21:] and len(long) == 21
