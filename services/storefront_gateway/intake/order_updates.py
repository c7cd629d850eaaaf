"""An updated order (Shopify `orders/updated`, WooCommerce `order.updated` that is no
cancellation): it may say the order is now paid, and it may amend the order. Each is its
own effect, kept and deduplicated on its own, and the answer gives each one's outcome."""

import json
from collections.abc import Callable
from dataclasses import replace

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.intake import amendments, handlers, payments
from services.storefront_gateway.intake.deps import IntakeParts
from services.storefront_gateway.intake.webhooks import WebhookReceipt, accept_delivery
from shared.db import UnitOfWork


async def take_update(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    delivery: handlers.Delivery,
) -> WebhookReceipt:
    payload = json.loads(delivery.body)
    receipts = {}
    paid = payments.payment_of(parts.mappers[channel.id], channel, payload)
    if paid is not None:
        receipts["payment"] = await accept_delivery(
            delivery, paid, units(), parts.metrics, parts.group_commit
        )
    amended = await amendments.mapping(parts.mappers[channel.id], channel, payload)
    amendment = replace(
        delivery,
        dedupe_key=f"amend:{delivery.dedupe_key}",
        topic=delivery.topic + amendments.TOPIC_SUFFIX,
    )
    receipts["amendment"] = await accept_delivery(
        amendment, amended, units(), parts.metrics, parts.group_commit
    )
    return _together(receipts)


def _together(receipts: dict[str, WebhookReceipt]) -> WebhookReceipt:
    """Accepted when either effect was; each effect's own outcome in `effects`."""
    statuses = [r.status for r in receipts.values()]
    status = next(s for s in ("accepted", "quarantined", "duplicate", "ignored") if s in statuses)
    last = receipts["amendment"]
    return WebhookReceipt(
        status=status,
        delivery_id=last.delivery_id,
        order_id=next((r.order_id for r in receipts.values() if r.order_id), None),
        reason="; ".join(f"{kind}: {r.reason}" for kind, r in receipts.items() if r.reason) or None,
        effects={
            kind: r.status + (f" ({r.reason})" if r.reason else "") for kind, r in receipts.items()
        },
    )
