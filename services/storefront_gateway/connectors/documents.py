"""The documents a thin webhook names (a BigCommerce-style `{"data": {"id": 7}}`), read
from the channel's configured API with the header its mapping file names."""

from typing import Any

import httpx

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.connectors.http import Endpoint


async def fetch_documents(
    http: httpx.AsyncClient,
    channel: ChannelConfig,
    auth: tuple[str, str],
    paths: dict[str, str],
) -> dict[str, Any]:
    """Each named document by its path under the channel's `api_url`, or the
    `ConnectorError` of the first that could not be read, its name leading the reason."""
    header, token = auth
    headers = {header: token, "accept": "application/json"}
    api = Endpoint(http, str(channel.api_url or ""), headers, f"the store ({channel.id})")
    found: dict[str, Any] = {}
    for name, path in paths.items():
        try:
            found[name] = await api.call("GET", path)
        except ConnectorError as exc:
            raise type(exc)(f"could not fetch {name}: {exc}") from exc
    return found
