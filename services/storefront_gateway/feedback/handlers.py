"""Use case: tell the channel and the customer what became of an order.

For each fact (confirmed, dispatched with tracking, delivered, cancelled) a
CustomerNotificationRequested goes out through the outbox, and where the channel takes
updates (its `api_url`), an update is queued for the feedback sender — in the same
transaction, so neither is lost nor sent twice.
"""

from typing import Any

import structlog

from services.storefront_gateway.channels import Channels, Platform
from services.storefront_gateway.connectors import channel_api
from services.storefront_gateway.feedback import repository
from services.storefront_gateway.feedback.notices import notice_language, tracking_event
from services.storefront_gateway.intake import ports as intake
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.fulfilment import (
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentTrackingUpdated,
)
from shared.events.money import to_decimal_string
from shared.events.notifications import CustomerNotificationRequested, NotificationKind
from shared.events.orders import OrderCancellationRefused, OrderStatus, OrderStatusChanged
from shared.events.returns import RefundIssued

SHIPMENTS_CONSUMER = "storefront-gateway.feedback-shipments"
ORDERS_CONSUMER = "storefront-gateway.feedback-orders"
REFUNDS_CONSUMER = "storefront-gateway.feedback-refunds"

log = structlog.get_logger(__name__)

_STATUS_NOTICES: dict[OrderStatus, NotificationKind] = {
    OrderStatus.RESERVED: "order_confirmed",
    OrderStatus.CANCELLED: "cancelled",
}


async def on_dispatched(event: ShipmentDispatched, uow: UnitOfWork, channels: Channels) -> None:
    """A parcel left: the customer hears of it with tracking, the channel gets the
    tracking against the lines it shipped."""
    async with uow:
        order = await _claimed_order(uow, SHIPMENTS_CONSUMER, event)
        if order is not None:
            tracking = {
                "carrier": event.carrier,
                "tracking_number": event.tracking_number,
                "tracking_url": event.tracking_url,
            }
            await _notify(uow, channels, event, order, "shipped", **tracking)
            line_items = [
                {"line_ref": ref, "sku": line.sku, "quantity": line.quantity}
                for line in event.lines
                for ref in order["line_refs"].get(line.sku, [])[:1]
            ]
            payload = {
                **tracking,
                "line_items": line_items,
                "notify_customer": _platform_tells(channels, order),
            }
            await _queue(uow, channels, event, order, "fulfilment", payload)
        await uow.commit()


async def on_tracking(event: ShipmentTrackingUpdated, uow: UnitOfWork, channels: Channels) -> None:
    """The carrier's word on a parcel goes to the channel as a tracking update (a Shopify
    fulfillment event; a private WooCommerce note), where the platform takes one."""
    async with uow:
        order = await _claimed_order(uow, SHIPMENTS_CONSUMER, event)
        channel = channels.by_id(order["channel"]) if order else None
        if order is not None and channel is not None:
            if channel_api.takes(channel.platform, "tracking_event"):
                await _queue(uow, channels, event, order, "tracking_event", tracking_event(event))
        await uow.commit()


async def on_delivered(event: ShipmentDelivered, uow: UnitOfWork, channels: Channels) -> None:
    async with uow:
        order = await _claimed_order(uow, SHIPMENTS_CONSUMER, event)
        if order is not None:
            await _notify(uow, channels, event, order, "delivered")
        await uow.commit()


async def _claimed_order(
    uow: UnitOfWork,
    consumer: str,
    event: ShipmentDispatched | ShipmentDelivered | ShipmentTrackingUpdated,
) -> dict[str, Any] | None:
    """The channel's order the event is about, once per event (None: already handled,
    or an order no channel sent, such as one entered by hand)."""
    if not await uow.inbox.claim(consumer, event.event_id):
        return None
    order = await intake.channel_order(uow.connection, event.order_id)
    if order is None:
        log.info("no channel order to talk back to", order_id=str(event.order_id))
    return order


async def on_refunded(refund: RefundIssued, uow: UnitOfWork, channels: Channels) -> None:
    """Money went back: the customer hears how much (a CRM, or Crossdock's own email)."""
    async with uow:
        if not await uow.inbox.claim(REFUNDS_CONSUMER, refund.event_id):
            return
        order = await intake.channel_order(uow.connection, refund.order_id)
        if order is not None:
            amount = f"{to_decimal_string(refund.total_minor, refund.currency)} {refund.currency}"
            await _notify(uow, channels, refund, order, "refunded", refund_amount=amount)
        await uow.commit()


async def on_status(change: OrderStatusChanged, uow: UnitOfWork, channels: Channels) -> None:
    kind = _STATUS_NOTICES.get(change.to_status)
    woo_done = change.to_status is OrderStatus.SHIPPED
    if kind is None and not woo_done:
        return
    async with uow:
        if not await uow.inbox.claim(ORDERS_CONSUMER, change.event_id):
            return
        order = await intake.channel_order(uow.connection, change.order_id)
        if order is not None:
            if kind is not None:
                await _notify(uow, channels, change, order, kind)
            channel = channels.by_id(order["channel"])
            if woo_done and channel is not None and channel.platform is Platform.WOOCOMMERCE:
                await _queue(uow, channels, change, order, "completed", {})
        await uow.commit()


async def on_cancellation_refused(
    refused: OrderCancellationRefused, uow: UnitOfWork, channels: Channels
) -> None:
    """The channel cancelled an order that had already (partly) left: the merchant sees
    on the channel's own order what Crossdock did instead — a return is expected, the
    rest called off — as tags on Shopify, a private note on WooCommerce."""
    async with uow:
        if not await uow.inbox.claim(ORDERS_CONSUMER, refused.event_id):
            return
        order = await intake.channel_order(uow.connection, refused.order_id)
        channel = channels.by_id(order["channel"]) if order else None
        if order is not None and channel is not None:
            if channel_api.takes(channel.platform, "cancellation_outcome"):
                await _queue(
                    uow, channels, refused, order, "cancellation_outcome", _outcome(refused)
                )
        await uow.commit()


def _outcome(refused: OrderCancellationRefused) -> dict[str, Any]:
    tags = ["crossdock-shipped-before-cancel"]
    if refused.return_expected:
        tags.append("crossdock-return-expected")
    return {"tags": tags, "note": f"Crossdock could not cancel this order: {refused.reason}"}


def _platform_tells(channels: Channels, order: dict[str, Any]) -> bool:
    channel = channels.by_id(order["channel"])
    return channel is not None and channel.customer_notices == "platform"


async def _notify(
    uow: UnitOfWork,
    channels: Channels,
    cause: Event,
    order: dict[str, Any],
    kind: NotificationKind,
    **extra: Any,
) -> None:
    """The notice for anyone who listens (a CRM); an email from Crossdock itself where
    the channel has Crossdock tell its customers — queued in the same transaction."""
    channel = channels.by_id(order["channel"])
    if channel is not None and channel.customer_notices == "crossdock" and order["customer_email"]:
        email = {
            "to": order["customer_email"],
            "kind": kind,
            "language": notice_language(order.get("language"), channel.notice_language),
            "order": order.get("channel_order_name") or order["channel_order_ref"],
            **extra,
        }
        await repository.queue_update(
            uow.connection, cause.event_id, f"email:{kind}", channel.id, order["order_id"], email
        )
    notice = CustomerNotificationRequested.caused_by(
        cause,
        order_id=order["order_id"],
        channel=order["channel"],
        channel_order_ref=order["channel_order_ref"],
        kind=kind,
        customer_email=order["customer_email"],
        **extra,
    )
    await uow.outbox.add(notice, key=str(order["order_id"]))


async def _queue(
    uow: UnitOfWork,
    channels: Channels,
    cause: Event,
    order: dict[str, Any],
    kind: str,
    payload: dict[str, Any],
) -> None:
    channel = channels.by_id(order["channel"])
    # A point-of-sale sale left with its customer: there is nothing to tell the till.
    if channel is None or channel.api_url is None or channel.platform is Platform.POS:
        return

    await repository.queue_update(
        uow.connection,
        cause.event_id,
        kind,
        channel.id,
        order["order_id"],
        {**payload, "channel_order_ref": order["channel_order_ref"]},
    )
