"""Outbound HTTP to accounting systems.

Every create is idempotent on the entry: QuickBooks Online's `requestid` query parameter
(https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#idempotency)
and Xero's `Idempotency-Key` header
(https://developer.xero.com/documentation/guides/idempotent-requests/idempotency) carry
the entry's id, so a retry after a lost answer is answered with the journal already
made, never a second one.

Exceptions::

    ExportError
    ├── ExportRejected      the system refused the entry (4xx other than 429): park it
    └── ExportUnavailable   timeout, connection failure, 429 or 5xx: retry later
"""

from typing import Any

import httpx

from services.accounting_poster.chart import ExportKind, ExportTarget
from services.accounting_poster.exports import quickbooks_journal_entry, xero_manual_journal


class ExportError(Exception):
    """Any failure to export an entry."""


class ExportRejected(ExportError):
    """The accounting system refused the entry: retrying will not help."""


class ExportUnavailable(ExportError):
    """The accounting system could not be reached or was overloaded."""


class AccountingClient:
    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self._http = http
        self._tokens = tokens

    async def export(self, target: ExportTarget, entry: dict[str, Any]) -> str:
        """The accounting system's id for the entry."""
        headers = {
            "Authorization": f"Bearer {self._tokens[target.id]}",
            "Accept": "application/json",
        }
        if target.kind is ExportKind.QUICKBOOKS:
            url = f"{target.base_url}/v3/company/{target.company}/journalentry"
            url += f"?requestid={entry['entry_id'].hex}"
            body = quickbooks_journal_entry(entry)
        else:
            url = f"{target.base_url}/api.xro/2.0/ManualJournals"
            headers["xero-tenant-id"] = target.company
            headers["Idempotency-Key"] = str(entry["entry_id"])
            body = xero_manual_journal(entry)
        try:
            response = await self._http.post(url, json=body, headers=headers, timeout=10)
        except httpx.HTTPError as exc:
            raise ExportUnavailable(f"{target.id}: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise ExportUnavailable(f"{target.id}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ExportRejected(f"{target.id}: HTTP {response.status_code}: {response.text[:500]}")
        answer = response.json()
        if target.kind is ExportKind.QUICKBOOKS:
            return str(answer["JournalEntry"]["Id"])
        return str(answer["ManualJournals"][0]["ManualJournalID"])
