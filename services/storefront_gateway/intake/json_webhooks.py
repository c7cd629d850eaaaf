"""Any JSON webhook, described by its channel's mapping file alone (a marketplace, a
social shop, a BigCommerce-style store): `POST /webhooks/json/{channel_id}`.

The mapping says how the sender proves itself (an HMAC of the raw body, or a token in a
header), where the account is named, what identifies a delivery (its retries repeat it)
and what kind of payload is an order, a cancellation or a refund; for a thin webhook
that names only a resource, which documents to fetch from the channel's configured API.
The same checks as every webhook, each a 4xx with a reason and no side effect; a retry
of a delivery already taken is answered as the duplicate it is before anything is
fetched. A thin hook's new order is stored and acknowledged at once and fetched after
the 2xx (intake/thin_webhooks.py); a cancellation reads the hook itself; a refund is
read from the platform's refunds API (intake/bigcommerce_refunds.py). An authentic
payload the mapping cannot map is stored and quarantined with the exact field and reason.
"""

import hmac
import json
from typing import Any

import jmespath
from fastapi import APIRouter, HTTPException, Request

from services.storefront_gateway.channels import WEBHOOKS_BY_FILE, ChannelConfig
from services.storefront_gateway.domain import MappingError
from services.storefront_gateway.intake import handlers, repository, signatures
from services.storefront_gateway.intake.bigcommerce_refunds import take_refunds
from services.storefront_gateway.intake.deps import IntakeParts, Parts
from services.storefront_gateway.intake.thin_webhooks import IDENTIFIER, documents_named, hold
from services.storefront_gateway.intake.webhooks import (
    WebhookReceipt,
    accept_delivery,
    kept_headers,
    read_limited,
)
from services.storefront_gateway.mapping.engine import Mapper
from shared.bounded import InputRejected, json_loads
from shared.deps import UowFactory

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/json/{channel_id}")
async def json_webhook(
    channel_id: str, request: Request, parts: Parts, units: UowFactory
) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    channel = parts.channels.by_id(channel_id)
    if channel is None or channel.platform not in WEBHOOKS_BY_FILE:
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
    if kind == "refund":
        return await take_refunds(
            parts, units, channel, _named(mapper, payload), kept_headers(request.headers, "x-")
        )
    return await _take(parts, units, channel, mapper, request, f"event:{key}", kind, body)


async def _take(
    parts: IntakeParts,
    units: UowFactory,
    channel: ChannelConfig,
    mapper: Mapper,
    request: Request,
    key: str,
    kind: str,
    body: bytes,
) -> WebhookReceipt:
    """An order or cancellation: a thin hook's new order is held and fetched after the
    2xx; anything else is mapped from what came (a thin hook's as `webhook`)."""
    payload = json.loads(body)
    headers = kept_headers(request.headers, "x-")
    document, stored = payload, body
    if mapper.spec.fetch is not None:
        seen = await _seen(units, channel.id, key)
        if seen is not None:  # a retry: answered without fetching anything again
            parts.metrics.webhooks.labels("json", "duplicate").inc()
            return seen
        if kind == "order":
            if channel.api_url is None:
                raise HTTPException(422, f"channel {channel.id} has no api_url to fetch from")
            documents_named(mapper.spec.fetch, payload)
            return await hold(units, channel, key, kind, headers, body)
        document = {"webhook": payload}
        stored = json.dumps(document).encode()
    mapped = await mapper.attempt(document, channel)
    delivery = handlers.Delivery(channel.id, "json", key, kind, headers, stored)
    return await accept_delivery(delivery, mapped, units(), parts.metrics, parts.group_commit)


def _named(mapper: Mapper, payload: Any) -> str:
    """The order a thin hook names (the mapping's fetch parameter `id`)."""
    fetch = mapper.spec.fetch
    path = fetch.params.get("id") if fetch is not None else None
    found = jmespath.search(path, payload) if path else None
    if found is None or not IDENTIFIER.fullmatch(str(found)):
        raise HTTPException(422, "the webhook does not name its order (fetch.params.id)")
    return str(found)


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
