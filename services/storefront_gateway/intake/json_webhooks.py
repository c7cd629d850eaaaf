"""Any JSON webhook, described by its channel's mapping file alone (a marketplace, a
social shop, a BigCommerce-style store): `POST /webhooks/json/{channel_id}`.

The mapping says how the sender proves itself (an HMAC of the raw body, or a token in a
header), where the account is named, what identifies a delivery (its retries repeat it)
and what kind of payload is an order or a cancellation; for a thin webhook that names
only a resource, which documents to fetch from the channel's configured API. The same
checks as every webhook, each a 4xx with a reason and no side effect; a retry of a
delivery already taken is answered as the duplicate it is before anything is fetched
(a platform retrying a slow answer must not cost the store's API again); a fetch that fails
answers 502 so the platform retries (nothing was accepted). An authentic payload the
mapping cannot map is stored and quarantined with the exact field and reason.
"""

import hmac
import json
import re
from typing import Any

import httpx
import jmespath
from fastapi import APIRouter, HTTPException, Request

from services.storefront_gateway.channels import ChannelConfig, Channels, Platform
from services.storefront_gateway.connectors.documents import fetch_documents
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.domain import MappingError
from services.storefront_gateway.intake import handlers, repository, signatures
from services.storefront_gateway.intake.deps import Parts
from services.storefront_gateway.intake.webhooks import (
    WebhookReceipt,
    accept_delivery,
    kept_headers,
    read_limited,
)
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.mapping.spec import FetchSpec
from shared.bounded import InputRejected, json_loads
from shared.deps import UowFactory

IDENTIFIER = re.compile(r"[A-Za-z0-9_:-]{1,64}")


router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/json/{channel_id}")
async def json_webhook(
    channel_id: str, request: Request, parts: Parts, units: UowFactory
) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    channel = parts.channels.by_id(channel_id)
    if channel is None or channel.platform is not Platform.JSON:
        raise HTTPException(404, f"no JSON channel {channel_id!r}")
    mapper = parts.mappers[channel.id]
    try:
        payload = json_loads(body)
    except InputRejected as exc:
        raise HTTPException(400, f"body refused: {exc}") from exc
    secret = parts.channels.secret(channel)
    _authenticate(mapper, channel, secret, request.headers, body, payload)
    kind = mapper.kind(payload)
    if kind is None:
        return WebhookReceipt(status="ignored", reason="the mapping handles no such payload")
    try:
        key = mapper.dedupe_key(payload)
    except MappingError as exc:
        raise HTTPException(422, str(exc)) from exc
    document, stored = payload, body
    if mapper.spec.fetch is not None:
        seen = await _seen(units, channel.id, f"event:{key}")
        if seen is not None:  # a retry: answered without fetching anything again
            parts.metrics.webhooks.labels("json", "duplicate").inc()
            return seen
        document = await _fetched(mapper.spec.fetch, channel, parts.channels, payload, parts.http())
        stored = json.dumps(document).encode()
    mapped = await mapper.attempt(document, channel)
    delivery = handlers.Delivery(
        channel.id, "json", f"event:{key}", kind, kept_headers(request.headers, "x-"), stored
    )
    return await accept_delivery(delivery, mapped, units(), parts.metrics)


async def _seen(units: UowFactory, channel: str, dedupe_key: str) -> WebhookReceipt | None:
    """The receipt of a delivery already taken with this key, if there is one."""
    async with units() as uow:
        found = await repository.find_delivery(uow.connection, channel, dedupe_key)
    if not found:
        return None
    order_id = str(found["order_id"]) if found["order_id"] else None
    return WebhookReceipt(
        status="duplicate",
        delivery_id=found["public_id"],
        order_id=order_id,
        reason=found["reason"],
    )


def _authenticate(
    mapper: Mapper, channel: ChannelConfig, secret: bytes, headers: Any, body: bytes, payload: Any
) -> None:
    auth = mapper.spec.auth
    assert auth is not None, "webhook mappings are checked for auth when loaded"
    if auth.account_header and headers.get(auth.account_header) != channel.shop:
        raise HTTPException(401, f"{auth.account_header} does not name this channel's account")
    if auth.account_path and jmespath.search(auth.account_path, payload) != channel.shop:
        raise HTTPException(401, f"{auth.account_path} does not name this channel's account")
    given = headers.get(auth.header)
    if auth.encoding == "token":
        valid = given is not None and hmac.compare_digest(given.encode(), secret)
    elif auth.encoding == "hex":
        valid = signatures.is_valid_hex(secret, body, given)
    else:
        valid = signatures.is_valid(secret, body, given)
    if not valid:
        raise HTTPException(401, f"{auth.header} missing or not matching")


async def _fetched(
    fetch: FetchSpec,
    channel: ChannelConfig,
    channels: Channels,
    payload: Any,
    http: httpx.AsyncClient,
) -> dict[str, Any]:
    """The webhook and the documents it names, from the channel's configured API only."""
    if channel.api_url is None:
        raise HTTPException(422, f"channel {channel.id} has no api_url to fetch from")
    params = {name: jmespath.search(path, payload) for name, path in fetch.params.items()}
    # Only plain identifiers go into the path: nothing the payload says can point the
    # fetch at another resource (no "/", "..", "?" or "#").
    if any(value is None or not IDENTIFIER.fullmatch(str(value)) for value in params.values()):
        raise HTTPException(422, f"the webhook does not name what to fetch: {params}")
    paths = {name: template.format(**params) for name, template in fetch.documents.items()}
    auth = (fetch.token_header, channels.api_token(channel))
    try:
        found = await fetch_documents(http, channel, auth, paths)
    except ConnectorError as exc:
        raise HTTPException(502, str(exc)) from exc
    return {"webhook": payload, **found}
