import uuid
from datetime import UTC, datetime

from services.accounting_poster.exports import major, quickbooks_journal_entry, xero_manual_journal

ENTRY = {
    "entry_id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "currency": "USD",
    "memo": "sale shopify #1001",
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
    assert len(entry["DocNumber"]) <= 21
    assert entry["TxnDate"] == "2026-11-28"


def test_xero_lines_are_signed_and_sum_to_zero() -> None:
    [journal] = xero_manual_journal(ENTRY)["ManualJournals"]
    amounts = [line["LineAmount"] for line in journal["JournalLines"]]
    assert amounts == [10.99, -9.99, -1.0]
    assert round(sum(amounts), 2) == 0
    assert journal["Narration"] == "sale shopify #1001"
