"""What a stock adapter is, whatever the platform: read the catalog (listings and the
quantities shown), set many quantities, prices or details in one call, list new products.

Batching is what keeps a strict rate limit (2 calls/s) from becoming latency: ten SKUs
changing at once cost one call, not ten. Every call passes through the channel's rate
budget. Per pushed SKU the answer is None when applied, else the `ConnectorError` saying
why not.
"""

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from services.storefront_gateway.channels import StockTarget
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import ConnectorError, Refused, Superseded
from services.storefront_gateway.connectors.http import Endpoint
from shared.events.money import to_decimal_string

STOCK_TIMEOUT_SECONDS = 5.0


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


Results = dict[str, ConnectorError | None]


class StockAdapter(Protocol):
    max_batch: int

    async def catalog(self, budget: RateBudget) -> dict[str, Listed]: ...

    async def set_many(self, budget: RateBudget, pushes: list[Push]) -> Results: ...

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results: ...

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results: ...

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """List products the channel does not have yet, from their details."""
        ...


class ChannelStock:
    """The parts every stock adapter has: the channel, its endpoint, its SKU names."""

    def __init__(self, http: httpx.AsyncClient, target: StockTarget) -> None:
        self.channel = target.channel
        self.stock = target.stock
        self.api = Endpoint.of(http, target.channel, target.token, STOCK_TIMEOUT_SECONDS)

    def channel_sku(self, sku: str) -> str:
        """The channel's name for a hub SKU (the reverse of its `sku_aliases`)."""
        aliases = self.channel.sku_aliases.items()
        return next((theirs for theirs, ours in aliases if ours == sku), sku)

    async def call(self, budget: RateBudget, method: str, path: str, **kwargs: Any) -> Any:
        return await self.api.call(method, path, budget, **kwargs)


def price_fields(payload: dict[str, Any]) -> tuple[str, str | None]:
    """(price, compare-at price) as decimal strings."""
    currency = payload["currency"]
    compare_at = payload.get("compare_at_minor")
    return (
        to_decimal_string(payload["amount_minor"], currency),
        to_decimal_string(compare_at, currency) if compare_at is not None else None,
    )


def listing_title(details: dict[str, Any]) -> str:
    """A variant listed on its own says which one it is: "Tee (black, M)"."""
    options = ", ".join(str(v) for v in (details.get("options") or {}).values())
    if options and options not in details["title"]:
        return f"{details['title']} ({options})"
    return str(details["title"])


def as_listed(api: ChannelStock, pushes: list[ListingPush]) -> list[ListingPush]:
    """New listings are known by the channel's SKU, as pushes to them will be."""
    return [ListingPush(p.sku, {"sku": api.channel_sku(p.sku)}, p.payload) for p in pushes]


async def paged_catalog(
    api: ChannelStock, budget: RateBudget, path: str, key: str, quantity: str
) -> dict[str, Listed]:
    """A catalog paged by `page` / `next_page`, each item known by its SKU."""
    found: dict[str, Listed] = {}
    page: int | None = 1
    while page is not None:
        answer = await api.call(budget, "GET", path, params={"page": page})
        for item in answer[key]:
            found[item["sku"]] = Listed({"sku": item["sku"]}, int(item[quantity]))
        page = answer.get("next_page")
    return found


def item_results(pushes: list[Push] | list[ListingPush], answers: list[dict[str, Any]]) -> Results:
    """Per-item answers (keyed by the channel's SKU) back to the hub's SKUs."""
    hub_sku = {p.listing["sku"]: p.sku for p in pushes}
    results: Results = {p.sku: Refused("not in the answer") for p in pushes}
    for item in answers:
        sku = hub_sku.get(item.get("sku"))
        status = str(item.get("status", "")).lower()
        if sku is None:
            continue
        if status in ("accepted", "ok", "created"):
            results[sku] = None
        elif status == "stale":
            results[sku] = Superseded(str(item.get("message", "older sequence")))
        else:
            results[sku] = Refused(f"{status}: {item.get('message', '')}")
    return results
