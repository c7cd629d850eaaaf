"""The hub's own services, over their HTTP APIs, on the operator's own token (the ops
console). The console keeps no copy of anyone's data: each read is answered — and
authorised — by the service that owns it, and each action is that service's admin API.

Errors: `Unavailable` (the service is down or timed out), `HubRefused` (it answered
4xx: `status` and its `detail`, e.g. 404 no such order, 403 a read-only token).
"""

from typing import Any

import httpx

from services.storefront_gateway.connectors.errors import ConnectorError, Unavailable

SERVICES = (
    "storefront-gateway",
    "order-router",
    "inventory-ledger",
    "accounting-poster",
    "shipping-bridge",
)


class HubRefused(ConnectorError):
    def __init__(self, service: str, status: int, detail: str) -> None:
        super().__init__(f"{service}: HTTP {status}: {detail}")
        self.service = service
        self.status = status
        self.detail = detail


def _detail(response: httpx.Response) -> str:
    try:
        found = response.json().get("detail", "")
    except (ValueError, AttributeError):
        found = response.text
    return found if isinstance(found, str) else str(found)[:500]


class HubApi:
    """One operator's view: every call carries their bearer token."""

    def __init__(self, http: httpx.AsyncClient, urls: dict[str, str], token: str) -> None:
        self._http = http
        self._urls = {name: url.rstrip("/") for name, url in urls.items()}
        self._headers = {"authorization": f"Bearer {token}"}

    async def get(self, service: str, path: str, **params: Any) -> Any:
        return await self._call("GET", service, path, params=params)

    async def post(
        self, service: str, path: str, body: dict[str, Any] | None = None, **params: Any
    ) -> Any:
        return await self._call("POST", service, path, json=body or {}, params=params)

    async def text(self, service: str, path: str) -> str:
        """A plain-text answer (Prometheus metrics)."""
        response = await self._send("GET", service, path)
        return response.text

    async def _call(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        response = await self._send(method, service, path, **kwargs)
        return response.json() if response.content else {}

    async def _send(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        if service not in self._urls:
            raise Unavailable(f"{service}: no URL configured (CROSSDOCK_CONSOLE_URLS)")
        try:
            response = await self._http.request(
                method, self._urls[service] + path, headers=self._headers, timeout=15, **kwargs
            )
        except httpx.HTTPError as exc:
            raise Unavailable(f"{service}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"{service}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise HubRefused(service, response.status_code, _detail(response))
        return response
