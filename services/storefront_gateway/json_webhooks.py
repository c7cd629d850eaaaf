"""Any JSON webhook, described by its channel's mapping file alone (a marketplace, a
social shop): `POST /webhooks/json/{channel_id}`.

The mapping says how the sender signs (header, hex or base64 HMAC-SHA256 of the raw
body), which account header names the shop, what identifies a delivery (its retries
repeat it) and what kind of payload is an order or a cancellation. The same checks as
every webhook, each a 4xx with a reason and no side effect; an authentic payload the
mapping cannot map is stored and quarantined with the exact field and reason.
"""

import json
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request

from services.storefront_gateway import handlers, signatures
from services.storefront_gateway.channels import Channels, Platform
from services.storefront_gateway.domain import MappingError
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.remap import fails, settled
from services.storefront_gateway.webhooks import (
    WebhookReceipt,
    accept_delivery,
    kept_headers,
    read_limited,
)
from shared.db import UnitOfWork
from shared.metrics import ServiceMetrics


def json_router(
    channels: Channels,
    mappers: dict[str, Mapper],
    uow_factory: Callable[[], UnitOfWork],
    metrics: ServiceMetrics,
    max_body_bytes: int,
) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    @router.post("/webhooks/json/{channel_id}")
    async def json_webhook(channel_id: str, request: Request) -> WebhookReceipt:
        body = await read_limited(request, max_body_bytes)
        channel = channels.by_id(channel_id)
        if channel is None or channel.platform is not Platform.JSON:
            raise HTTPException(404, f"no JSON channel {channel_id!r}")
        mapper = mappers[channel.id]
        auth = mapper.spec.auth
        h = request.headers
        if auth.account_header and h.get(auth.account_header) != channel.shop:
            raise HTTPException(401, f"{auth.account_header} does not name this channel's account")
        check = signatures.is_valid_hex if auth.encoding == "hex" else signatures.is_valid
        if not check(channels.secret(channel), body, h.get(auth.header)):
            raise HTTPException(401, f"{auth.header} missing or not matching the body")
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HTTPException(400, f"body is not valid JSON: {exc}") from exc
        kind = mapper.kind(document)
        if kind is None:
            return WebhookReceipt(status="ignored", reason="the mapping handles no such payload")
        try:
            key = mapper.dedupe_key(document)
        except MappingError as exc:
            raise HTTPException(422, str(exc)) from exc
        try:
            mapped = settled(await mapper.map(document, channel))
        except MappingError as exc:
            mapped = fails(str(exc))
        delivery = handlers.Delivery(
            channel.id, "json", f"event:{key}", kind, kept_headers(h, "x-"), body
        )
        return await accept_delivery(delivery, mapped, uow_factory(), metrics)

    return router
