"""The journal in the shapes accounting systems take. Pure: no I/O.

QuickBooks Online `JournalEntry`: positive amounts, each line flagged Debit or Credit.
Xero `ManualJournal`: signed amounts (debits positive, credits negative) summing to zero.
Amounts leave as JSON numbers in major units (the APIs' format), converted exactly from
integer minor units; a 2-decimal value's shortest float form is that decimal.
"""

from decimal import Decimal
from typing import Any

from shared.events.money import minor_unit_exponent

QBO_DOC_NUMBER_MAX = 21
TEXT_MAX = 4000


def reference(entry: dict[str, Any]) -> str:
    """The entry's document number ("1001-R1"), what the books find it by."""
    found = entry.get("doc_number") or str(entry["entry_id"]).replace("-", "")
    return str(found)[:QBO_DOC_NUMBER_MAX]


def major(amount_minor: int, currency: str) -> float:
    return float(Decimal(amount_minor).scaleb(-minor_unit_exponent(currency)))


def quickbooks_journal_entry(entry: dict[str, Any]) -> dict[str, Any]:
    currency = entry["currency"]
    return {
        "DocNumber": reference(entry),
        "TxnDate": entry["posted_at"].date().isoformat(),
        "CurrencyRef": {"value": currency},
        "PrivateNote": entry["memo"][:TEXT_MAX],
        "Line": [
            {
                "Id": str(line["line_no"]),
                "Description": line["description"][:TEXT_MAX],
                "Amount": major(line["debit_minor"] or line["credit_minor"], currency),
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": {
                    "PostingType": "Debit" if line["debit_minor"] else "Credit",
                    "AccountRef": {"value": line["account"]},
                },
            }
            for line in entry["lines"]
        ],
    }


def xero_manual_journal(entry: dict[str, Any]) -> dict[str, Any]:
    currency = entry["currency"]
    return {
        "ManualJournals": [
            {
                "Narration": f"{reference(entry)}: {entry['memo']}"[:TEXT_MAX],
                "Date": entry["posted_at"].date().isoformat(),
                "Status": "POSTED",
                "LineAmountTypes": "NoTax",
                "JournalLines": [
                    {
                        "LineAmount": major(line["debit_minor"] - line["credit_minor"], currency),
                        "AccountCode": line["account"],
                        "Description": line["description"][:TEXT_MAX],
                    }
                    for line in entry["lines"]
                ],
            }
        ]
    }
