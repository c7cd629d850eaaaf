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
from pydantic import BaseModel, ValidationError

from services.storefront_gateway.channel_api import ChannelApi, ChannelError
from services.storefront_gateway.channels import ChannelConfig, Channels, Platform
from services.storefront_gateway.domain import MappedOrder, order_id_for
from services.storefront_gateway.erp import ports as accounts
from services.storefront_gateway.intake import handlers, repository, signatures
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.platforms import shopify, woocommerce
from shared.bounded import InputRejected, json_loads
from shared.db import UnitOfWork
from shared.metrics import ServiceMetrics

SHOPIFY_TOPICS = {"orders/create": shopify.map_order, "orders/cancelled": shopify.map_cancellation}
WOO_TOPICS = {"order.created", "order.updated"}
WOO_REFUNDED = "action.woocommerce_order_refunded"

log = structlog.get_logger(__name__)


class WebhookReceipt(BaseModel):
    status: str
    delivery_id: UUID | None = None
    order_id: str | None = None
    reason: str | None = None
    unmapped_lines: list[dict[str, Any]] = []


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body of {declared} bytes exceeds the {limit}-byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413, f"body exceeds the {limit}-byte limit")
    return bytes(body)


def _authenticate(
    channels: Channels, platform: Platform, shop: str | None, body: bytes, signature: str | None
) -> ChannelConfig:
    channel = channels.find(platform, shop)
    if channel is None:
        raise HTTPException(401, f"unknown {platform.value} shop {shop!r}: no channel configured")
    if not signature:
        raise HTTPException(401, "missing webhook signature header")
    if not signatures.is_valid(channels.secret(channel), body, signature):
        raise HTTPException(401, "webhook signature does not match the body")
    return channel


def parse_payload(body: bytes, model: type[Any]) -> Any:
    try:
        document = json_loads(body)
    except InputRejected as exc:
        raise HTTPException(400, f"body refused: {exc}") from exc
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise HTTPException(422, f"not a valid order payload: {problems}") from exc


async def accept_delivery(
    delivery: handlers.Delivery,
    mapper: Callable[[], MappedOrder],
    uow: UnitOfWork,
    metrics: ServiceMetrics,
) -> WebhookReceipt:
    """Store, map and publish (or quarantine) one authenticated delivery; count it."""
    receipt = await handlers.accept_delivery(delivery, mapper, uow)
    metrics.webhooks.labels(delivery.platform, receipt.status).inc()
    return WebhookReceipt(
        status=receipt.status,
        delivery_id=receipt.delivery_id,
        order_id=str(receipt.order_id) if receipt.order_id else None,
        reason=receipt.reason,
        unmapped_lines=receipt.unmapped_lines,
    )


def webhooks_router(
    channels: Channels,
    uow_factory: Callable[[], UnitOfWork],
    metrics: ServiceMetrics,
    max_body_bytes: int,
    channel_api: Callable[[], ChannelApi],
    mappers: dict[str, Mapper],
) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    async def declared(
        channel: ChannelConfig, body: bytes, kind: str
    ) -> Callable[[], MappedOrder] | None:
        """The channel's own mapping file, where it has one (and it says how to map this
        kind: an order, or a cancellation)."""
        mapper = mappers.get(channel.id)
        if mapper is None or (kind == "cancellation" and mapper.spec.cancellation is None):
            return None
        return await mapper.attempt(json.loads(body), channel, kind)

    async def accept(
        delivery: handlers.Delivery, mapper: Callable[[], MappedOrder]
    ) -> WebhookReceipt:
        return await accept_delivery(delivery, mapper, uow_factory(), metrics)

    async def known_currency(order_id: UUID) -> str | None:
        async with uow_factory() as uow:
            order = await repository.channel_order(uow.connection, order_id)
        return str(order["currency"]) if order and order["currency"] else None

    @contextmanager
    def counted_refusals(platform: str) -> Iterator[None]:
        try:
            yield
        except HTTPException as exc:
            metrics.webhooks.labels(platform, f"refused_{exc.status_code}").inc()
            raise

    @router.post("/webhooks/shopify")
    async def shopify_webhook(request: Request) -> WebhookReceipt:
        with counted_refusals("shopify"):
            return await _shopify(request)

    @router.post("/webhooks/woocommerce")
    async def woocommerce_webhook(request: Request) -> WebhookReceipt:
        with counted_refusals("woocommerce"):
            return await _woocommerce(request)

    async def _shopify(request: Request) -> WebhookReceipt:
        body = await read_limited(request, max_body_bytes)
        h = request.headers
        channel = _authenticate(
            channels,
            Platform.SHOPIFY,
            h.get("x-shopify-shop-domain"),
            body,
            h.get("x-shopify-hmac-sha256"),
        )
        topic = h.get("x-shopify-topic", "")
        if topic == "customers/create":
            return await _new_account(channel, parse_payload(body, accounts.ShopifyCustomer))
        if topic not in SHOPIFY_TOPICS and topic != "refunds/create":
            return WebhookReceipt(status="ignored", reason=f"topic {topic!r} is not handled")
        # Shopify repeats X-Shopify-Event-Id on every retry of the same event.
        event_id = h.get("x-shopify-event-id") or h.get("x-shopify-webhook-id")
        if not event_id:
            raise HTTPException(400, "missing X-Shopify-Event-Id / X-Shopify-Webhook-Id header")
        delivery = handlers.Delivery(
            channel.id, "shopify", f"event:{event_id}", topic, kept_headers(h, "x-shopify-"), body
        )
        if topic == "refunds/create":
            refund = parse_payload(body, shopify.ShopifyRefund)
            currency = await known_currency(order_id_for(channel, str(refund.order_id)))
            return await accept(delivery, lambda: shopify.map_refund(refund, channel, currency))
        order = parse_payload(body, shopify.ShopifyOrder)
        contradiction = shopify.shop_contradiction(order, channel.shop)
        if contradiction:
            raise HTTPException(401, contradiction)
        kind = "order" if topic == "orders/create" else "cancellation"
        own = await declared(channel, body, kind)
        mapper = SHOPIFY_TOPICS[topic]
        return await accept(delivery, own or (lambda: mapper(order, channel)))

    async def _new_account(
        channel: ChannelConfig, customer: accounts.ShopifyCustomer
    ) -> WebhookReceipt:
        if not customer.email:
            raise HTTPException(422, "customers/create without an email cannot open an account")
        async with uow_factory() as uow:
            new = await accounts.remember(uow.connection, channel.id, customer)
            await uow.commit()
        metrics.webhooks.labels("shopify", "account").inc()
        return WebhookReceipt(status="accepted" if new else "duplicate")

    async def _woocommerce(request: Request) -> WebhookReceipt:
        body = await read_limited(request, max_body_bytes)
        h = request.headers
        if "x-wc-webhook-signature" not in h and _is_ping(body):
            return WebhookReceipt(status="ping")
        channel = _authenticate(
            channels,
            Platform.WOOCOMMERCE,
            h.get("x-wc-webhook-source"),
            body,
            h.get("x-wc-webhook-signature"),
        )
        topic = h.get("x-wc-webhook-topic", "")
        if topic == WOO_REFUNDED:
            return await _woo_refunds(channel, parse_payload(body, WooRefundAction), h)
        if topic not in WOO_TOPICS:
            return WebhookReceipt(status="ignored", reason=f"topic {topic!r} is not handled")
        order = parse_payload(body, woocommerce.WooOrder)
        cancelled = topic == "order.updated" and order.status == "cancelled"
        if topic == "order.updated" and not cancelled:
            return WebhookReceipt(
                status="ignored", reason=f"status {order.status!r} needs no action"
            )
        delivery = handlers.Delivery(
            channel.id,
            "woocommerce",
            _woo_dedupe_key(topic, order),
            topic,
            kept_headers(h, "x-wc-"),
            body,
        )
        mapper = woocommerce.map_cancellation if cancelled else woocommerce.map_order
        own = await declared(channel, body, "cancellation" if cancelled else "order")
        return await accept(delivery, own or (lambda: mapper(order, channel)))

    async def _woo_refunds(
        channel: ChannelConfig, action: "WooRefundAction", h: Any
    ) -> WebhookReceipt:
        """The action webhook names only the order: its refunds are fetched from the
        channel's configured API, and each one is accepted once (by its refund id)."""
        if channel.api_url is None:
            raise HTTPException(422, f"channel {channel.id} has no api_url to fetch refunds from")
        order_ref = str(action.arg)
        try:
            found = await channel_api().woo_refunds(channel, channels.api_token(channel), order_ref)
        except ChannelError as exc:
            # The store's own answer stays in our log; the sender learns only to retry.
            log.warning("refunds not fetched", channel=channel.id, error=str(exc))
            raise HTTPException(502, "could not fetch the refunds from the store") from exc
        currency = await known_currency(order_id_for(channel, order_ref))
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
            receipts.append(await accept(delivery, mapped))
        accepted = [r for r in receipts if r.status == "accepted"]
        return WebhookReceipt(
            status="accepted" if accepted else "duplicate",
            order_id=receipts[0].order_id if receipts else None,
            reason=f"{len(accepted)} new of {len(receipts)} refunds",
        )

    return router


def _refund_mapper(
    refund: woocommerce.WooRefund, order_ref: str, channel: ChannelConfig, currency: str | None
) -> Callable[[], MappedOrder]:
    return lambda: woocommerce.map_refund(refund, order_ref, channel, currency)


class WooRefundAction(BaseModel):
    """WooCommerce's action webhook: `{"action": "woocommerce_order_refunded", "arg": id}`."""

    action: str
    arg: int


def kept_headers(headers: Any, prefix: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith(prefix) or k == "content-type"}


def _is_ping(body: bytes) -> bool:
    """WooCommerce's unsigned ping when a webhook is created: `webhook_id=N`, form-encoded."""
    form = parse_qs(body.decode(errors="replace"))
    return set(form) == {"webhook_id"} and form["webhook_id"][0].isdigit()


def _woo_dedupe_key(topic: str, order: woocommerce.WooOrder) -> str:
    # WooCommerce draws a fresh X-WC-Webhook-Delivery-ID for every attempt, so a retry
    # is recognised by what it is about: the topic, the order and its modification time.
    basis = f"{topic}|{order.id}|{order.date_modified_gmt or ''}"
    return "resource:" + hashlib.sha256(basis.encode()).hexdigest()[:32]
