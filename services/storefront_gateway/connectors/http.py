"""The one way out to a platform: its base URL, its authentication, its rate budget, and
the same reading of every answer (429 and 5xx are `Unavailable`, other 4xx `Refused`)."""

import base64
from typing import Any

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import Refused, Unavailable


def auth_headers(platform: Platform, token: str) -> dict[str, str]:
    """Each platform's documented authentication: Shopify's `X-Shopify-Access-Token`
    (REST and GraphQL Admin API alike), WooCommerce REST basic auth with `key:secret`,
    the EDI partner's own header, BigCommerce's `X-Auth-Token` (its API accounts'
    token, https://developer.bigcommerce.com/docs/start/authentication/api-accounts),
    a bearer token for the others."""
    if platform is Platform.SHOPIFY:
        return {"x-shopify-access-token": token}
    if platform is Platform.WOOCOMMERCE:
        return {"authorization": "Basic " + base64.b64encode(token.encode()).decode()}
    if platform is Platform.EDI:
        return {"x-crossdock-token": token}
    if platform is Platform.BIGCOMMERCE:
        return {"x-auth-token": token, "accept": "application/json"}
    return {"authorization": f"Bearer {token}"}


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds, or BigCommerce's `X-Rate-Limit-Time-Reset-Ms`."""
    for header, scale in (("retry-after", 1.0), ("x-rate-limit-time-reset-ms", 0.001)):
        try:
            return max(0.0, float(response.headers.get(header, "")) * scale)
        except ValueError:
            continue
    return None


def _observe_quota(response: httpx.Response, budget: RateBudget) -> None:
    """BigCommerce's quota per window: `X-Rate-Limit-Requests-Left`, and the time until
    the window resets (https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits):
    with the quota spent, nothing more is sent before the reset."""
    left = response.headers.get("x-rate-limit-requests-left")
    if left is not None and left.isdigit() and int(left) == 0:
        wait = retry_after(response)
        if wait:
            budget.pause(wait)


def checked(response: httpx.Response, name: str, budget: RateBudget | None) -> httpx.Response:
    """Raise the right error for a failed answer; let the budget hear the platform."""
    limit = response.headers.get("x-shopify-shop-api-call-limit")
    if budget is not None and limit and "/" in limit:
        used, top = limit.split("/", 1)
        budget.observe_call_limit(int(used), int(top), leak_per_second=2.0)
    if budget is not None:
        _observe_quota(response, budget)
    status = response.status_code
    if status == 429:
        wait = retry_after(response)
        if budget is not None:
            wait = wait or 1.0
            budget.pause(wait)
        raise Unavailable(f"{name}: HTTP 429" + (f", retry after {wait:g}s" if wait else ""), wait)
    if status >= 500:
        raise Unavailable(f"{name}: HTTP {status}", retry_after(response))
    if status >= 400:
        raise Refused(f"{name}: HTTP {status}: {response.text[:300]}")
    return response


class Endpoint:
    """One platform account's API. Calls with a budget wait for it first."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        headers: dict[str, str],
        name: str,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._headers = headers
        self.name = name
        self._timeout = timeout

    @classmethod
    def of(
        cls, http: httpx.AsyncClient, channel: ChannelConfig, token: str, timeout: float = 10.0
    ) -> "Endpoint":
        headers = auth_headers(channel.platform, token)
        return cls(http, str(channel.api_url or ""), headers, channel.id, timeout)

    async def response(
        self,
        method: str,
        path: str,
        budget: RateBudget | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if budget is not None:
            await budget.acquire()
        try:
            response = await self._http.request(
                method,
                self.base_url + path,
                headers={**self._headers, **(headers or {})},
                timeout=self._timeout,
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise Unavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        return checked(response, self.name, budget)

    async def call(
        self, method: str, path: str, budget: RateBudget | None = None, **kwargs: Any
    ) -> Any:
        """The answer's JSON document ({} for an empty answer)."""
        response = await self.response(method, path, budget, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise Refused(f"{self.name}: HTTP {response.status_code} but no JSON answer") from exc
