"""Stock on the channels' own APIs: find a SKU's listing, set its quantity, read all.

Per platform, in its documented shape: Shopify's GraphQL Admin API (`inventorySetQuantities`
with `changeFromQuantity` as compare-and-set; see `shopify_stock`), WooCommerce REST v3
products, a marketplace listings API that takes a `sequence` and drops older ones, and
a point-of-sale inventory API. Every answer passes through the channel's rate budget.

Exceptions::

    StockApiError
    ├── PushRejected       4xx other than 429: retrying the same call will not help
    ├── PushDeferred       429, 5xx, timeout, connection: try again after `retry_after`
    └── StaleQuantity      compare-and-set lost: the channel holds another quantity
"""

import base64
from typing import Any, Protocol

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.sync.budget import RateBudget

WOO_API = "/wp-json/wc/v3"
PAGE = 100


class StockApiError(Exception):
    """Any failure reading or setting stock on a channel."""


class PushRejected(StockApiError):
    """The channel refused the call (authentication, validation, unknown listing)."""


class PushDeferred(StockApiError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StaleQuantity(StockApiError):
    def __init__(self, message: str, actual: int | None) -> None:
        super().__init__(message)
        self.actual = actual


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def check(response: httpx.Response, budget: RateBudget) -> httpx.Response:
    """Raise the right error for a failed answer; let the budget hear the channel."""
    limit = response.headers.get("x-shopify-shop-api-call-limit")
    if limit and "/" in limit:
        used, top = limit.split("/", 1)
        budget.observe_call_limit(int(used), int(top), leak_per_second=2.0)
    if response.status_code == 429:
        wait = retry_after(response) or 1.0
        budget.pause(wait)
        raise PushDeferred(f"429 from the channel: retry after {wait:g}s", wait)
    if response.status_code >= 500:
        raise PushDeferred(f"{response.status_code} from the channel", retry_after(response))
    if response.status_code >= 400:
        raise PushRejected(f"{response.status_code}: {response.text[:300]}")
    return response


class StockAdapter(Protocol):
    async def find(self, budget: RateBudget, sku: str) -> dict[str, Any] | None: ...

    async def set(
        self,
        budget: RateBudget,
        sku: str,
        listing: dict[str, Any],
        quantity: int,
        version: int,
        previous: int | None,
    ) -> None: ...

    async def read_all(self, budget: RateBudget) -> dict[str, int]: ...


class RestStock:
    """WooCommerce, marketplace and POS: plain REST, one call per change."""

    def __init__(self, http: httpx.AsyncClient, channel: ChannelConfig, token: str) -> None:
        self._http = http
        self._channel = channel
        self._base = (channel.api_url or "").rstrip("/")
        self._headers = _auth(channel.platform, token)

    async def call(
        self, budget: RateBudget, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        await budget.acquire()
        try:
            response = await self._http.request(
                method, self._base + path, headers=self._headers, timeout=5.0, **kwargs
            )
        except httpx.HTTPError as exc:
            raise PushDeferred(f"{type(exc).__name__}: {exc}") from exc
        return check(response, budget)

    async def find(self, budget: RateBudget, sku: str) -> dict[str, Any] | None:
        if self._channel.platform is Platform.WOOCOMMERCE:
            found = await self.call(budget, "GET", f"{WOO_API}/products", params={"sku": sku})
            products = found.json()
            return {"product_id": products[0]["id"]} if products else None
        path = _item_path(self._channel.platform, sku)
        try:
            await self.call(budget, "GET", path)
        except PushRejected as exc:
            if str(exc).startswith("404"):
                return None
            raise
        return {"sku": sku}

    async def set(
        self,
        budget: RateBudget,
        sku: str,
        listing: dict[str, Any],
        quantity: int,
        version: int,
        previous: int | None,
    ) -> None:
        """Set the quantity; `previous` is unused here (no compare-and-set on these APIs)."""
        platform = self._channel.platform
        if platform is Platform.WOOCOMMERCE:
            body: dict[str, Any] = {"manage_stock": True, "stock_quantity": quantity}
            await self.call(budget, "PUT", f"{WOO_API}/products/{listing['product_id']}", json=body)
        elif platform is Platform.MARKETPLACE:
            body = {"quantity": quantity, "sequence": version}
            try:
                await self.call(budget, "PUT", f"/v1/listings/{sku}/quantity", json=body)
            except PushRejected as exc:
                if str(exc).startswith("409"):
                    raise StaleQuantity(str(exc), None) from exc
                raise
        else:
            body = {"count": quantity, "outlet_id": _outlet(self._channel)}
            await self.call(budget, "PUT", f"/api/inventory/{sku}", json=body)

    async def read_all(self, budget: RateBudget) -> dict[str, int]:
        platform = self._channel.platform
        levels: dict[str, int] = {}
        page = 1
        while True:
            if platform is Platform.WOOCOMMERCE:
                params = {"per_page": PAGE, "page": page}
                items = (
                    await self.call(budget, "GET", f"{WOO_API}/products", params=params)
                ).json()
                levels |= {p["sku"]: int(p.get("stock_quantity") or 0) for p in items if p["sku"]}
                more = len(items) == PAGE
            elif platform is Platform.MARKETPLACE:
                found = (
                    await self.call(budget, "GET", "/v1/listings", params={"page": page})
                ).json()
                levels |= {x["sku"]: int(x["quantity"]) for x in found["listings"]}
                more = found.get("next_page") is not None
            else:
                found = (
                    await self.call(budget, "GET", "/api/inventory", params={"page": page})
                ).json()
                levels |= {x["sku"]: int(x["count"]) for x in found["inventory"]}
                more = found.get("next_page") is not None
            if not more:
                return levels
            page += 1


def _item_path(platform: Platform, sku: str) -> str:
    return f"/v1/listings/{sku}" if platform is Platform.MARKETPLACE else f"/api/inventory/{sku}"


def _outlet(channel: ChannelConfig) -> str | None:
    return channel.stock.platform_location_id if channel.stock else None


def _auth(platform: Platform, token: str) -> dict[str, str]:
    if platform is Platform.WOOCOMMERCE:
        return {"authorization": "Basic " + base64.b64encode(token.encode()).decode()}
    if platform is Platform.SHOPIFY:
        return {"x-shopify-access-token": token}
    return {"authorization": f"Bearer {token}"}
