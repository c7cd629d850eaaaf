"""Outbound HTTP to the ERP: changed records since a revision; new accounts.

Exceptions::

    ErpError
    ├── ErpRefused       4xx: the ERP will not take it as it is
    └── ErpUnavailable   timeout, connection, 429 or 5xx: try again later
"""

from typing import Any

import httpx


class ErpError(Exception):
    """Any failure talking to the ERP."""


class ErpRefused(ErpError):
    """The ERP refused the call."""


class ErpUnavailable(ErpError):
    """The ERP could not be reached or asked us to wait."""


class ErpClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    async def changes(self, kind: str, since: int, limit: int = 200) -> tuple[list[Any], int]:
        answer = await self._call("GET", f"/api/v1/{kind}", params={"since": since, "limit": limit})
        return list(answer["items"]), int(answer["next_since"])

    async def create_customer(self, account: dict[str, Any], key: str) -> dict[str, Any]:
        headers = {**self._headers, "Idempotency-Key": key}
        return dict(await self._call("POST", "/api/v1/customers", json=account, headers=headers))

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("headers", self._headers)
        try:
            response = await self._http.request(method, self._base + path, timeout=10, **kwargs)
        except httpx.HTTPError as exc:
            raise ErpUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise ErpUnavailable(f"ERP answered {response.status_code}")
        if response.status_code >= 400:
            raise ErpRefused(f"ERP answered {response.status_code}: {response.text[:300]}")
        return response.json()
