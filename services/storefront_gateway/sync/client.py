"""Stock on the channels' own APIs: read the catalog (listings and quantities), set many
quantities in one call.

Per platform, in its documented shape: Shopify's GraphQL Admin API (see `shopify_stock`),
WooCommerce REST v3 (`products` and `products/batch`), a marketplace listings API whose
bulk quantity update takes a `sequence` per SKU and refuses older ones, and a
point-of-sale inventory API. Batching is what keeps a strict rate limit (2 calls/s) from
becoming latency: ten SKUs changing at once cost one call, not ten. Every answer passes
through the channel's rate budget.

Exceptions::

    StockApiError
    ├── PushRejected       4xx other than 429: retrying the same call will not help
    ├── PushDeferred       429, 5xx, timeout, connection: try again after `retry_after`
    ├── StaleQuantity      compare-and-set lost: the channel holds another quantity
    └── Superseded         the channel has already applied a later version of ours
"""

import base64
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.sync.budget import RateBudget
from shared.events.money import to_decimal_string

WOO_API = "/wp-json/wc/v3"


class StockApiError(Exception):
    """Any failure reading or setting stock on a channel."""


class PushRejected(StockApiError):
    """The channel refused the call or the item (authentication, validation, unknown)."""


class PushDeferred(StockApiError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StaleQuantity(StockApiError):
    def __init__(self, message: str, actual: int | None = None) -> None:
        super().__init__(message)
        self.actual = actual


class Superseded(StockApiError):
    """Nothing to do: a push with a later ledger version already reached the channel."""


@dataclass(frozen=True)
class Listed:
    """A SKU as the channel lists it: its own ids, and the quantity it shows."""

    listing: dict[str, Any]
    quantity: int


@dataclass(frozen=True)
class Push:
    sku: str
    listing: dict[str, Any]
    quantity: int
    version: int
    previous: int | None  # what we believe the channel holds (compare-and-set)


@dataclass(frozen=True)
class ListingPush:
    """A price (`currency`, `amount_minor`, `compare_at_minor`) or product details
    (`title`, `description`, `barcode`, `weight_grams`) for one listing."""

    sku: str
    listing: dict[str, Any]
    payload: dict[str, Any]


# Per pushed SKU: None when applied, else why not.
Results = dict[str, StockApiError | None]


class StockAdapter(Protocol):
    max_batch: int

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]: ...

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results: ...

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results: ...

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results: ...

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """List products the channel does not have yet, from their details."""
        ...


def price_fields(payload: dict[str, Any]) -> tuple[str, str | None]:
    """(price, compare-at price) as decimal strings."""
    currency = payload["currency"]
    compare_at = payload.get("compare_at_minor")
    return (
        to_decimal_string(payload["amount_minor"], currency),
        to_decimal_string(compare_at, currency) if compare_at is not None else None,
    )


def retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
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


class RestApi:
    def __init__(self, http: httpx.AsyncClient, channel: ChannelConfig, token: str) -> None:
        self._http = http
        self.channel = channel
        self._base = (channel.api_url or "").rstrip("/")
        self._headers = _auth(channel.platform, token)

    def channel_sku(self, sku: str) -> str:
        """The channel's name for a hub SKU (the reverse of its `sku_aliases`)."""
        aliases = self.channel.sku_aliases.items()
        return next((theirs for theirs, ours in aliases if ours == sku), sku)

    async def call(self, budget: RateBudget, method: str, path: str, **kwargs: Any) -> Any:

        await budget.acquire()
        try:
            response = await self._http.request(
                method, self._base + path, headers=self._headers, timeout=5.0, **kwargs
            )
        except httpx.HTTPError as exc:
            raise PushDeferred(f"{type(exc).__name__}: {exc}") from exc
        return check(response, budget).json()


def _auth(platform: Platform, token: str) -> dict[str, str]:
    if platform is Platform.WOOCOMMERCE:
        return {"authorization": "Basic " + base64.b64encode(token.encode()).decode()}
    return {"authorization": f"Bearer {token}"}
