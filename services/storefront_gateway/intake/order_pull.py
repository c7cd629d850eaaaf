"""Use case: take in the orders a channel's webhooks never delivered.

Platforms drop deliveries (Shopify removes a subscription after repeated failures,
WooCommerce disables a webhook after repeated errors). Each pass reads the channel's
orders changed since the last one (Shopify `orders.json?updated_at_min`, WooCommerce
`orders?modified_after`, a few minutes of overlap), and takes in each the hub never
received exactly as its webhook would have been: the same mapping, the same effect (one
order per platform order, so a webhook arriving later is a duplicate, and so is this),
and its cancellation where the channel already cancelled it. An order the hub has that
changed since is taken as its `orders/updated` would have been: an amendment when what
the hub carries changed. A channel that had orders
the hub never heard of has silent webhooks: the report says so.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.domain import order_id_for
from services.storefront_gateway.intake import amendments, handlers, repository
from services.storefront_gateway.intake.deps import IntakeParts
from shared.db import UnitOfWork
from shared.events.envelope import utcnow
from shared.periodic import Periodic

log = structlog.get_logger(__name__)

PULLED = (Platform.SHOPIFY, Platform.WOOCOMMERCE)
OVERLAP = timedelta(minutes=5)  # an order being written while the last pass read
FIRST_LOOK = timedelta(days=1)
TOPIC = {Platform.SHOPIFY: "orders/create", Platform.WOOCOMMERCE: "order.created"}
UPDATE_TOPIC = {Platform.SHOPIFY: "orders/updated", Platform.WOOCOMMERCE: "order.updated"}


@dataclass
class PullReport:
    channel: str
    since: str
    dry_run: bool
    read: int = 0
    already_had: int = 0
    taken_in: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)  # known orders changed since

    @property
    def webhooks_silent(self) -> bool:
        """The channel had orders its webhooks never brought."""
        return bool(self.taken_in or self.quarantined)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "webhooks_silent": self.webhooks_silent}


Units = Callable[[], UnitOfWork]


async def pull_orders(
    parts: IntakeParts, units: Units, channel: ChannelConfig, since: datetime | None, dry: bool
) -> PullReport:
    started = utcnow()
    async with units() as uow:
        cursor = await repository.pulled_through(uow.connection, channel.id)
    start = since or (cursor - OVERLAP if cursor else started - FIRST_LOOK)
    token = parts.channels.api_token(channel)
    orders = await parts.channel_api().orders_since(channel, token, start)
    report = PullReport(channel.id, start.isoformat(), dry, read=len(orders))
    for order in orders:
        await _take_in(parts, units, channel, order, report)
    if not dry:
        async with units() as uow:
            await repository.record_pull(uow.connection, channel.id, started, report.as_json())
            await uow.commit()
    return report


async def _take_in(
    parts: IntakeParts,
    units: Units,
    channel: ChannelConfig,
    order: dict[str, Any],
    report: PullReport,
) -> None:
    mapper = parts.mappers[channel.id]
    ref = mapper.ref(order)
    async with units() as uow:
        known = await repository.channel_order(uow.connection, order_id_for(channel, ref))
    if known is not None:
        report.already_had += 1
        if not report.dry_run:
            await _amend(parts, units, channel, order, ref, report)
        return
    if report.dry_run:
        report.taken_in.append(ref)
        return
    body = json.dumps(order).encode()
    pulled = handlers.Delivery(
        channel.id, channel.platform.value, f"pull:{ref}", TOPIC[channel.platform], {}, body
    )
    receipt = await handlers.accept_delivery(pulled, await mapper.attempt(order, channel), units())
    parts.metrics.webhooks.labels(f"{channel.platform.value}-pull", receipt.status).inc()
    bucket = {"accepted": report.taken_in, "quarantined": report.quarantined}.get(receipt.status)
    if bucket is None:
        report.already_had += 1
        return
    bucket.append(ref)
    if _cancelled(channel, order):
        await _cancel(parts, units, channel, order, ref)


async def _amend(
    parts: IntakeParts,
    units: Units,
    channel: ChannelConfig,
    order: dict[str, Any],
    ref: str,
    report: PullReport,
) -> None:
    """A known order changed since: an `orders/updated` the hub may have missed, taken
    as that webhook would have been (one delivery per modification time)."""
    when = amendments.amended_at(order)
    body = json.dumps(order).encode()
    topic = UPDATE_TOPIC[channel.platform] + amendments.TOPIC_SUFFIX
    key = f"pull-amend:{ref}:{when.isoformat() if when else ''}"
    pulled = handlers.Delivery(channel.id, channel.platform.value, key, topic, {}, body)
    mapping = await amendments.mapping(parts.mappers[channel.id], channel, order)
    receipt = await handlers.accept_delivery(pulled, mapping, units())
    if receipt.status == "accepted":
        report.amended.append(ref)


def _cancelled(channel: ChannelConfig, order: dict[str, Any]) -> bool:
    if channel.platform is Platform.SHOPIFY:
        return bool(order.get("cancelled_at"))
    return order.get("status") == "cancelled"


async def _cancel(
    parts: IntakeParts, units: Units, channel: ChannelConfig, order: dict[str, Any], ref: str
) -> None:
    topic = "orders/cancelled" if channel.platform is Platform.SHOPIFY else "order.updated"
    body = json.dumps(order).encode()
    pulled = handlers.Delivery(
        channel.id, channel.platform.value, f"pull-cancel:{ref}", topic, {}, body
    )
    mapping = await parts.mappers[channel.id].attempt(order, channel, "cancellation")
    await handlers.accept_delivery(pulled, mapping, units())


def due_channels(parts: IntakeParts) -> list[ChannelConfig]:
    """The channels whose orders can be read back: Shopify and WooCommerce with an API."""
    return [c for c in parts.channels.all() if c.platform in PULLED and c.api_url is not None]


class OrderPuller(Periodic):
    """Every `every_seconds`, each channel's orders read back; a channel that cannot be
    read now is tried again next round, the others go on."""

    def __init__(self, parts: IntakeParts, units: Units, every_seconds: float) -> None:
        super().__init__("order-pull")
        self._parts, self._units, self._every = parts, units, every_seconds

    async def round(self) -> float:
        for channel in due_channels(self._parts):
            try:
                report = await pull_orders(self._parts, self._units, channel, None, dry=False)
            except ConnectorError as exc:
                log.warning("orders not read back", channel=channel.id, error=str(exc))
                continue
            if report.webhooks_silent:
                log.warning(
                    "orders its webhooks never delivered were taken in",
                    channel=channel.id,
                    taken_in=len(report.taken_in),
                    quarantined=len(report.quarantined),
                )
        return self._every
