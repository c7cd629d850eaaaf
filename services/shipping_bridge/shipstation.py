"""ShipStation (V1 API), as its documentation describes it: a SHIP_NOTIFY webhook carries
only a `resource_url` "to get the resource that triggered the webhook ... with ShipStation
API Basic Authentication credentials" (docs.shipstation.com, V1 Webhook model), on the
API host `https://ssapi.shipstation.com/` (V1 API reference, Production Server) — or an
`ssapiN.shipstation.com` shard.

The URL is never fetched as given: a host that is the configured API's, or one the
configured pattern accepts, only lends its path and query, and the fetch goes to the
configured API base URL (a merchant's proxy, a sandbox or a mock stands in there; no
request can make the bridge call anywhere else). `includeShipmentItems=False` would
answer `shipmentItems: null`: the items are asked for. A shipment is matched by our own
shipment id (`orderKey`, for orders Crossdock created in ShipStation) or — for orders
that reached ShipStation through the store's own integration — by its store (mapped to
a channel) and the channel's order key or number. Voided labels ship nothing.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from uuid import UUID

import httpx
from fastapi import HTTPException
from pydantic import BaseModel, Field, SecretStr

from services.shipping_bridge import repository
from shared.db import UnitOfWork

MAX_PAGES = 20


class ShipStationSettings(BaseModel):
    api_url: str
    api_key: SecretStr
    api_secret: SecretStr
    fulfiller: str
    token: SecretStr
    resource_hosts: str = Field(
        r"ssapi\d*\.shipstation\.com", description="Hosts a resource_url may name (regex)."
    )
    stores: dict[str, str] = Field(
        default_factory=dict, description="ShipStation storeId -> Crossdock channel id."
    )


def fetch_url(resource_url: str, settings: ShipStationSettings) -> str | None:
    """Where to fetch a resource_url from: the configured API, with the URL's path and
    query (items always included); None for a URL no ShipStation would send."""
    given, api = urlsplit(resource_url), urlsplit(settings.api_url)
    documented = (
        given.scheme == "https"
        and given.port is None
        and bool(re.fullmatch(settings.resource_hosts, given.hostname or ""))
    )
    if not documented and (given.scheme, given.netloc) != (api.scheme, api.netloc):
        return None
    query = [(k, v) for k, v in parse_qsl(given.query) if k.lower() != "includeshipmentitems"]
    query.append(("includeShipmentItems", "True"))
    base = settings.api_url.rstrip("/")
    prefix = api.path.rstrip("/")
    path = (
        given.path if not prefix or not given.path.startswith(prefix) else given.path[len(prefix) :]
    )
    return f"{base}{path}?{urlencode(query)}"


async def fetch_shipments(
    client: httpx.AsyncClient, url: str, settings: ShipStationSettings
) -> list[dict[str, Any]]:
    """Every page of the shipments the URL names."""
    auth = (settings.api_key.get_secret_value(), settings.api_secret.get_secret_value())
    found: list[dict[str, Any]] = []
    page, pages = 1, 1
    while page <= min(pages, MAX_PAGES):
        paged = url if page == 1 else f"{url}&page={page}"
        try:
            response = await client.get(paged, auth=auth, timeout=10, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise HTTPException(502, f"ShipStation API unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise HTTPException(502, f"ShipStation API answered {response.status_code}")
        body = response.json()
        found += list(body.get("shipments") or [])
        pages, page = int(body.get("pages") or 1), page + 1
    return found


@dataclass(frozen=True)
class Matched:
    shipment_id: UUID | None
    reason: str | None = None  # why not, when shipment_id is None


async def match(
    uow: UnitOfWork, shipment: dict[str, Any], settings: ShipStationSettings
) -> Matched:
    """The Crossdock shipment a ShipStation shipment is the label of."""
    key, number = str(shipment.get("orderKey") or ""), str(shipment.get("orderNumber") or "")
    try:
        own = UUID(key)
    except ValueError:
        own = None
    async with uow:
        if own is not None and await repository.shipment_exists(uow.connection, own):
            return Matched(own)
        store = str((shipment.get("advancedOptions") or {}).get("storeId") or "")
        channel = settings.stores.get(store)
        if channel is None:
            return Matched(
                None, f"order {number or key}: store {store or '?'} is no channel of ours"
            )
        found = await repository.by_channel_order(
            uow.connection, channel, settings.fulfiller, key, number
        )
    skus = {str(item.get("sku")) for item in shipment.get("shipmentItems") or []}
    fitting = [s for s in found if skus <= set(s["lines"])]
    if len(fitting) == 1:
        return Matched(fitting[0]["shipment_id"])
    why = "no shipment" if not fitting else f"{len(fitting)} shipments could be it"
    return Matched(None, f"{channel} order {number or key}: {why} at {settings.fulfiller}")
