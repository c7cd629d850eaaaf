"""Inbound webhooks, exactly as Shopify and WooCommerce deliver them.

Order of checks, each failing with a 4xx and a reason and no side effect:
size (413) -> channel known (401) -> signature over the raw bytes (401) ->
JSON (400) -> the platform's order shape (422). Only then is the delivery stored and
acknowledged; a redelivery answers 200 and changes nothing.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

import structlog
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.domain import MappedOrder, order_id_for
from services.storefront_gateway.erp import ports as accounts
from services.storefront_gateway.intake import handlers, order_updates, payments, repository
from services.storefront_gateway.intake.deps import IntakeParts, Parts
from services.storefront_gateway.intake.webhooks import (
    WebhookReceipt,
    accept_delivery,
    authenticate,
    kept_headers,
    parse_payload,
    read_limited,
    refunds_receipt,
)
from services.storefront_gateway.platforms import shopify, woocommerce
from services.storefront_gateway.sync import ports as stock
from shared.db import UnitOfWork
from shared.deps import UowFactory

SHOPIFY_TOPICS = {"orders/create": "order", "orders/cancelled": "cancellation"}
WOO_TOPICS = {"order.created", "order.updated"}
WOO_REFUNDED = "action.woocommerce_order_refunded"

log = structlog.get_logger(__name__)
router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/shopify")
async def shopify_webhook(request: Request, parts: Parts, units: UowFactory) -> WebhookReceipt:
    with _counted_refusals(parts, "shopify"):
        return await _shopify(request, parts, units)


@router.post("/webhooks/woocommerce")
async def woocommerce_webhook(request: Request, parts: Parts, units: UowFactory) -> WebhookReceipt:
    with _counted_refusals(parts, "woocommerce"):
        return await _woocommerce(request, parts, units)


@contextmanager
def _counted_refusals(parts: IntakeParts, platform: str) -> Iterator[None]:
    try:
        yield
    except HTTPException as exc:
        parts.metrics.webhooks.labels(platform, f"refused_{exc.status_code}").inc()
        # The reason, never the body: a refused delivery may carry a customer's data.
        log.warning("webhook refused", platform=platform, status=exc.status_code, reason=exc.detail)
        raise


async def _mapped(
    parts: IntakeParts, channel: ChannelConfig, body: bytes, kind: str
) -> Callable[[], MappedOrder]:
    """The channel's mapping (its own file, or its platform's) on the payload."""
    return await parts.mappers[channel.id].attempt(json.loads(body), channel, kind)


async def _known_currency(units: Callable[[], UnitOfWork], order_id: UUID) -> str | None:
    async with units() as uow:
        order = await repository.channel_order(uow.connection, order_id)
    return str(order["currency"]) if order and order["currency"] else None


async def _shopify(
    request: Request, parts: IntakeParts, units: Callable[[], UnitOfWork]
) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    h = request.headers
    channel = authenticate(
        parts.channels,
        Platform.SHOPIFY,
        h.get("x-shopify-shop-domain"),
        body,
        h.get("x-shopify-hmac-sha256"),
    )
    topic = h.get("x-shopify-topic", "")
    unhandled = await _not_an_order_topic(parts, units, channel, topic, body)
    if unhandled is not None:
        return unhandled
    # Shopify repeats X-Shopify-Event-Id on every retry of the same event.
    event_id = h.get("x-shopify-event-id") or h.get("x-shopify-webhook-id")
    if not event_id:
        raise HTTPException(400, "missing X-Shopify-Event-Id / X-Shopify-Webhook-Id header")
    delivery = handlers.Delivery(
        channel.id, "shopify", f"event:{event_id}", topic, kept_headers(h, "x-shopify-"), body
    )
    if topic == "refunds/create":
        refund = parse_payload(body, shopify.ShopifyRefund)
        currency = await _known_currency(units, order_id_for(channel, str(refund.order_id)))
        mapped = lambda: shopify.map_refund(refund, channel, currency)  # noqa: E731
        return await accept_delivery(delivery, mapped, units(), parts.metrics, parts.group_commit)
    order = parse_payload(body, shopify.ShopifyOrder)
    contradiction = shopify.shop_contradiction(order, channel.shop)
    if contradiction:
        raise HTTPException(401, contradiction)
    if topic == "orders/updated":
        return await order_updates.take_update(parts, units, channel, delivery)
    if topic in payments.SHOPIFY_TOPICS:
        return await _payment(parts, units, channel, delivery)
    mapping = await _mapped(parts, channel, body, SHOPIFY_TOPICS[topic])
    return await accept_delivery(delivery, mapping, units(), parts.metrics, parts.group_commit)


async def _not_an_order_topic(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    topic: str,
    body: bytes,
) -> WebhookReceipt | None:
    """The answer to a topic that carries no order (a new customer, or one we do not
    take); None for the order topics."""
    if topic == "customers/create":
        customer = parse_payload(body, accounts.ShopifyCustomer)
        return await _new_account(parts, units, channel, customer)
    if topic == "inventory_levels/update":
        level = parse_payload(body, stock.ShopifyInventoryLevel)
        outcome = await stock.take_level(channel, level, units())
        parts.metrics.webhooks.labels("shopify", f"level_{outcome.verdict}").inc()
        return WebhookReceipt(status=outcome.verdict, reason=outcome.reason)
    if topic == "orders/edited":
        # Its payload names the changed lines only; the whole edited order follows as
        # orders/updated, which is what the hub takes (see intake/amendments).
        return WebhookReceipt(status="ignored", reason="the edited order comes as orders/updated")
    if topic not in {*SHOPIFY_TOPICS, *payments.SHOPIFY_TOPICS, "refunds/create"}:
        return WebhookReceipt(status="ignored", reason=f"topic {topic!r} is not handled")
    return None


async def _payment(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    delivery: handlers.Delivery,
) -> WebhookReceipt:
    mapping = payments.payment_of(parts.mappers[channel.id], channel, json.loads(delivery.body))
    if mapping is None:
        return WebhookReceipt(status="ignored", reason="its payment state routes nothing")
    return await accept_delivery(delivery, mapping, units(), parts.metrics, parts.group_commit)


async def _new_account(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    customer: accounts.ShopifyCustomer,
) -> WebhookReceipt:
    if not customer.email:
        raise HTTPException(422, "customers/create without an email cannot open an account")
    async with units() as uow:
        new = await accounts.remember(uow.connection, channel.id, customer)
        await uow.commit()
    parts.metrics.webhooks.labels("shopify", "account").inc()
    return WebhookReceipt(status="accepted" if new else "duplicate")


async def _woocommerce(
    request: Request, parts: IntakeParts, units: Callable[[], UnitOfWork]
) -> WebhookReceipt:
    body = await read_limited(request, parts.max_body_bytes)
    h = request.headers
    if "x-wc-webhook-signature" not in h and _is_ping(body):
        return WebhookReceipt(status="ping")
    channel = authenticate(
        parts.channels,
        Platform.WOOCOMMERCE,
        h.get("x-wc-webhook-source"),
        body,
        h.get("x-wc-webhook-signature"),
    )
    topic = h.get("x-wc-webhook-topic", "")
    if topic == WOO_REFUNDED:
        action = parse_payload(body, WooRefundAction)
        return await _woo_refunds(parts, units, channel, action, h)
    if topic not in WOO_TOPICS:
        return WebhookReceipt(status="ignored", reason=f"topic {topic!r} is not handled")
    order = parse_payload(body, woocommerce.WooOrder)
    cancelled = topic == "order.updated" and order.status == "cancelled"
    delivery = handlers.Delivery(
        channel.id,
        "woocommerce",
        _woo_dedupe_key(topic, order),
        topic,
        kept_headers(h, "x-wc-"),
        body,
    )
    if topic == "order.updated" and not cancelled:
        return await order_updates.take_update(parts, units, channel, delivery)
    mapping = await _mapped(parts, channel, body, "cancellation" if cancelled else "order")
    return await accept_delivery(delivery, mapping, units(), parts.metrics, parts.group_commit)


async def _woo_refunds(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    action: "WooRefundAction",
    h: Any,
) -> WebhookReceipt:
    """The action webhook names only the order: its refunds are fetched from the
    channel's configured API, and each one is accepted once (by its refund id)."""
    if channel.api_url is None:
        raise HTTPException(422, f"channel {channel.id} has no api_url to fetch refunds from")
    order_ref = str(action.arg)
    try:
        token = parts.channels.api_token(channel)
        found = await parts.channel_api().woo_refunds(channel, token, order_ref)
    except ConnectorError as exc:
        # The store's own answer stays in our log; the sender learns only to retry.
        log.warning("refunds not fetched", channel=channel.id, error=str(exc))
        raise HTTPException(502, "could not fetch the refunds from the store") from exc
    currency = await _known_currency(units, order_id_for(channel, order_ref))
    receipts = []
    for raw in found:
        refund = woocommerce.WooRefund.model_validate(raw)
        delivery = handlers.Delivery(
            channel.id,
            "woocommerce",
            f"refund:{refund.id}",
            WOO_REFUNDED,
            kept_headers(h, "x-wc-"),
            json.dumps(raw).encode(),
        )
        mapped = _refund_mapper(refund, order_ref, channel, currency)
        receipts.append(
            await accept_delivery(delivery, mapped, units(), parts.metrics, parts.group_commit)
        )
    return refunds_receipt(receipts)


def _refund_mapper(
    refund: woocommerce.WooRefund, order_ref: str, channel: ChannelConfig, currency: str | None
) -> Callable[[], MappedOrder]:
    return lambda: woocommerce.map_refund(refund, order_ref, channel, currency)


class WooRefundAction(BaseModel):
    """WooCommerce's action webhook: `{"action": "woocommerce_order_refunded", "arg": id}`."""

    action: str
    arg: int


def _is_ping(body: bytes) -> bool:
    """WooCommerce's unsigned ping when a webhook is created: `webhook_id=N`, form-encoded."""
    form = parse_qs(body.decode(errors="replace"))
    return set(form) == {"webhook_id"} and form["webhook_id"][0].isdigit()


def _woo_dedupe_key(topic: str, order: woocommerce.WooOrder) -> str:
    # WooCommerce draws a fresh X-WC-Webhook-Delivery-ID for every attempt, so a retry
    # is recognised by what it is about: the topic, the order and its modification time.
    basis = f"{topic}|{order.id}|{order.date_modified_gmt or ''}"
    return "resource:" + hashlib.sha256(basis.encode()).hexdigest()[:32]
