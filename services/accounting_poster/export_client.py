"""Outbound HTTP to accounting systems.

Every create is idempotent on the entry: QuickBooks Online's `requestid` query parameter
(https://developer.intuit.com/app/developer/qbo/docs/develop/rest-api-features#idempotency)
and Xero's `Idempotency-Key` header
(https://developer.xero.com/documentation/guides/idempotent-requests/idempotency) carry
the entry's id, so a retry after a lost answer is answered with the journal already
made, never a second one.

A short-lived access token comes from the token keeper (oauth.py); an answer of 401 has
it refreshed and the call made once more. Failures: export_errors.py.
"""

from typing import Any

import httpx

from services.accounting_poster.chart import ExportKind, ExportTarget
from services.accounting_poster.export_errors import ExportRejected, ExportUnavailable
from services.accounting_poster.exports import quickbooks_journal_entry, xero_manual_journal
from services.accounting_poster.oauth import TokenKeeper


class AccountingClient:
    def __init__(self, http: httpx.AsyncClient, tokens: TokenKeeper) -> None:
        self._http = http
        self._tokens = tokens

    async def export(self, target: ExportTarget, entry: dict[str, Any]) -> str:
        """The accounting system's id for the entry."""
        response = await self._send(target, entry)
        if response.status_code == 401:  # the access token expired early, or was revoked
            await self._tokens.expire(target)
            response = await self._send(target, entry)
        if response.status_code == 429 or response.status_code >= 500:
            raise ExportUnavailable(f"{target.id}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ExportRejected(f"{target.id}: HTTP {response.status_code}: {response.text[:500]}")
        answer = response.json()
        if target.kind is ExportKind.QUICKBOOKS:
            return str(answer["JournalEntry"]["Id"])
        return str(answer["ManualJournals"][0]["ManualJournalID"])

    async def _send(self, target: ExportTarget, entry: dict[str, Any]) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {await self._tokens.access_token(target)}",
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
            return await self._http.post(url, json=body, headers=headers, timeout=10)
        except httpx.HTTPError as exc:
            raise ExportUnavailable(f"{target.id}: {type(exc).__name__}: {exc}") from exc
