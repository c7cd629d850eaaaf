"""What every inbound delivery goes through, whatever door it came in by: a size limit
read as it streams, the channel's signature, a bounded parse, store-map-publish.

Order of checks, each failing with a 4xx and a reason and no side effect:
size (413) -> channel known (401) -> signature over the raw bytes (401) ->
JSON (400) -> the platform's order shape (422). Only then is the delivery stored and
acknowledged; a redelivery answers 200 and changes nothing.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from services.storefront_gateway.channels import ChannelConfig, Channels, Platform
from services.storefront_gateway.domain import MappedOrder
from services.storefront_gateway.intake import handlers, signatures
from shared.bounded import InputRejected, json_loads
from shared.db import UnitOfWork
from shared.group_commit import GroupCommit
from shared.metrics import ServiceMetrics


class WebhookReceipt(BaseModel):
    status: str
    delivery_id: UUID | None = None
    order_id: str | None = None
    reason: str | None = None
    unmapped_lines: list[dict[str, Any]] = []
    effects: dict[str, str] = Field(
        {}, description="An update's outcome per effect (payment, amendment), with reasons."
    )


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


def authenticate(
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
    together: GroupCommit | None = None,
) -> WebhookReceipt:
    """Store, map and publish (or quarantine) one authenticated delivery; count it.
    `together`: the delivery shares its durable commit with those arriving with it."""
    if together is None:
        receipt = await handlers.accept_delivery(delivery, mapper, uow)
    else:
        receipt = await together.run(lambda: handlers.accept_delivery(delivery, mapper, uow))
    metrics.webhooks.labels(delivery.platform, receipt.status).inc()
    return WebhookReceipt(
        status=receipt.status,
        delivery_id=receipt.delivery_id,
        order_id=str(receipt.order_id) if receipt.order_id else None,
        reason=receipt.reason,
        unmapped_lines=receipt.unmapped_lines,
    )


def refunds_receipt(receipts: list[WebhookReceipt]) -> WebhookReceipt:
    """One answer for a hook that named an order's refunds: each was taken once."""
    accepted = [r for r in receipts if r.status == "accepted"]
    return WebhookReceipt(
        status="accepted" if accepted else "duplicate",
        order_id=receipts[0].order_id if receipts else None,
        reason=f"{len(accepted)} new of {len(receipts)} refunds",
    )


def kept_headers(headers: Any, prefix: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith(prefix) or k == "content-type"}
