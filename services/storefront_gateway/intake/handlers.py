"""Use case of the storefront-gateway: accept one authenticated webhook delivery."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from services.storefront_gateway.domain import (
    ChannelEvent,
    MappedOrder,
    MappingError,
    effect_of,
    first_error,
)
from services.storefront_gateway.intake import amendments, repository
from shared.db import UnitOfWork
from shared.events.orders import OrderAmended, OrderCancellationRequested, OrderPlaced
from shared.events.returns import RefundIssued


@dataclass(frozen=True)
class Delivery:
    channel: str
    platform: str
    dedupe_key: str
    topic: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Receipt:
    status: str  # accepted | duplicate | quarantined | ignored
    delivery_id: UUID  # the public id; the row's own id never leaves the service
    order_id: UUID | None = None
    reason: str | None = None
    unmapped_lines: list[dict[str, Any]] = field(default_factory=list)


async def accept_delivery(
    delivery: Delivery, map_order: Callable[[], MappedOrder], uow: UnitOfWork
) -> Receipt:
    """Store the delivery, then either publish its order or quarantine it — one transaction."""
    async with uow:
        conn = uow.connection
        inserted = await repository.insert_delivery(
            conn,
            delivery.channel,
            delivery.platform,
            delivery.dedupe_key,
            delivery.topic,
            delivery.headers,
            delivery.body,
        )
        if inserted is None:
            seen = await repository.find_delivery(conn, delivery.channel, delivery.dedupe_key)
            return Receipt("duplicate", seen["public_id"], seen["order_id"], seen["reason"])
        receipt = await _settle(uow, *inserted, map_order)
        await uow.commit()
        return receipt


async def replay_delivery(
    delivery_id: int, map_order: Callable[[], MappedOrder], uow: UnitOfWork
) -> Receipt:
    """Map a quarantined delivery again (the mapping or a cross-reference was fixed).
    A delivery no longer quarantined is left as it is: replaying twice publishes once."""
    async with uow:
        row = await repository.lock_delivery(uow.connection, delivery_id)
        if row is None:
            raise LookupError(f"no delivery {delivery_id}")
        public_id = row["public_id"]
        if row["status"] != "quarantined":
            return Receipt(row["status"], public_id, row["order_id"], row["reason"])
        receipt = await _settle(uow, delivery_id, public_id, map_order)
        await uow.commit()
        return receipt


async def _settle(
    uow: UnitOfWork, delivery_id: int, public_id: UUID, map_order: Callable[[], MappedOrder]
) -> Receipt:
    """Publish the delivery's canonical event, or quarantine it with the reason."""
    conn = uow.connection
    try:
        mapped = map_order()
    except (MappingError, ValidationError) as exc:
        # A value the canonical model refuses (out of range, say) is the delivery's
        # problem, wherever in a mapping it showed: kept, with the reason, never a 500.
        reason = first_error(exc) if isinstance(exc, ValidationError) else str(exc)
        await repository.mark_quarantined(conn, delivery_id, reason)
        return Receipt("quarantined", public_id, reason=reason)
    event = mapped.event
    held = await _held_back(conn, event)
    if held is not None:
        status, reason = held
        if status == "quarantined":
            await repository.mark_quarantined(conn, delivery_id, reason)
            return Receipt("quarantined", public_id, reason=reason)
        await repository.mark_duplicate(conn, delivery_id, event.order_id, reason, status)
        return Receipt(status, public_id, event.order_id, reason=reason)
    first = await repository.claim_effect(conn, effect_of(event), delivery_id, event.order_id)
    if not first:
        await repository.mark_duplicate(conn, delivery_id, event.order_id)
        return Receipt("duplicate", public_id, event.order_id, reason="already received")
    await repository.mark_accepted(conn, delivery_id, event.order_id)
    unmapped = event.unmapped_lines if isinstance(event, OrderPlaced) else ()
    if isinstance(event, OrderPlaced):
        await repository.remember_order(conn, event)
    await repository.quarantine_lines(conn, delivery_id, event.channel, event.order_id, unmapped)
    if isinstance(event, OrderCancellationRequested):
        why = f"order cancelled by {event.channel}: {event.reason or 'no reason given'}"
        await repository.close_quarantined_lines(conn, event.order_id, why)
    await uow.outbox.add(event, key=str(event.order_id))
    return Receipt(
        "accepted", public_id, event.order_id, unmapped_lines=[u.model_dump() for u in unmapped]
    )


async def _held_back(conn: Any, event: ChannelEvent) -> tuple[str, str] | None:
    """(status, reason) for an event that is not published: a refund of an order its
    channel never sent, an amendment that changes nothing or comes out of turn."""
    if isinstance(event, RefundIssued) and not await _refunds_own_order(conn, event):
        reason = f"refund of order {event.channel_order_ref}, which {event.channel} never sent"
        return "quarantined", reason
    if isinstance(event, OrderAmended):
        return await amendments.refusal(conn, event)
    return None


async def _refunds_own_order(conn: Any, refund: RefundIssued) -> bool:
    """A refund only for an order this channel sent: a delivery signed with a secret that
    channels share cannot refund another channel's order (replayable once it arrives)."""
    order = await repository.channel_order(conn, refund.order_id)
    return order is not None and order["channel"] == refund.channel
