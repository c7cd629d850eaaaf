"""Inbound sales from a marketplace and a point-of-sale system.

Same order of checks as the storefront webhooks (size, channel, signature over the raw
bytes, JSON, shape), each failing with a 4xx and a reason and no side effect. The
marketplace signs in hex and repeats `X-Marketplace-Notification-Id` on retries; the
POS signs in base64 and repeats `X-Pos-Event-Id`. A sale is deduplicated on its own id
too, so a resent sale with a fresh notification id is still one order.
"""

import json
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request

from services.storefront_gateway.channels import ChannelConfig, Channels, Platform
from services.storefront_gateway.intake import handlers, signatures
from services.storefront_gateway.intake.deps import Parts
from services.storefront_gateway.intake.webhooks import (
    WebhookReceipt,
    accept_delivery,
    kept_headers,
    parse_payload,
    read_limited,
)
from services.storefront_gateway.platforms import marketplace, pos
from shared.deps import UowFactory

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/marketplace")
async def marketplace_webhook(request: Request, parts: Parts, units: UowFactory) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    h = request.headers
    signature = h.get("x-marketplace-signature")
    channel = _authenticate(
        parts.channels,
        Platform.MARKETPLACE,
        h.get("x-marketplace-seller"),
        lambda secret: signatures.is_valid_hex(secret, body, signature),
    )
    event = h.get("x-marketplace-event", "")
    if event != "order.created":
        return WebhookReceipt(status="ignored", reason=f"event {event!r} is not handled")
    order = parse_payload(body, marketplace.MarketplaceOrder)
    delivery = handlers.Delivery(
        channel.id,
        "marketplace",
        f"order:{order.order_id}",
        event,
        kept_headers(h, "x-marketplace-"),
        body,
    )
    mapper = await parts.mappers[channel.id].attempt(json.loads(body), channel)
    return await accept_delivery(delivery, mapper, units(), parts.metrics, parts.group_commit)


@router.post("/webhooks/pos")
async def pos_webhook(request: Request, parts: Parts, units: UowFactory) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    h = request.headers
    signature = h.get("x-pos-signature")
    channel = _authenticate(
        parts.channels,
        Platform.POS,
        h.get("x-pos-account"),
        lambda secret: signatures.is_valid(secret, body, signature),
    )
    sale = parse_payload(body, pos.PosSale)
    delivery = handlers.Delivery(
        channel.id, "pos", f"sale:{sale.sale_id}", "sale", kept_headers(h, "x-pos-"), body
    )
    mapper = await parts.mappers[channel.id].attempt(json.loads(body), channel)
    return await accept_delivery(delivery, mapper, units(), parts.metrics, parts.group_commit)


def _authenticate(
    channels: Channels, platform: Platform, account: str | None, valid: Callable[[bytes], bool]
) -> ChannelConfig:
    channel = channels.find(platform, account)
    if channel is None:
        raise HTTPException(401, f"unknown {platform.value} account {account!r}")
    if not valid(channels.secret(channel)):
        raise HTTPException(401, "webhook signature missing or not matching the body")
    return channel
