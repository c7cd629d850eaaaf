"""Use case: the channel amended an order (OrderAmended) — its ship-to, shipping method,
note or lines.

Before anything is reserved the order is simply amended. Once its 3PLs have it, the
order is sent again: each unshipped shipment is called off first, and only when every
3PL has answered is its stock moved to the amended lines (ReallocateStock: given back
and reserved anew in one step) and the order sent as new shipments — never two live
requests for the same goods, never stock free in between. A 3PL that had already
shipped refuses the call-off: the amendment is then refused with its reason, and what
was called off is sent again as it was. After a parcel left, an amendment is refused
with the reason on the timeline: the way to change a shipped order is a return.
"""

import uuid
from dataclasses import replace
from typing import Any

from services.order_router import repository, transitions
from services.order_router.domain import (
    FOR_THE_WAREHOUSE,
    OFF,
    amended,
    amended_parts,
    preferred_locations,
    shipment_allocations,
)
from services.order_router.locations import Location
from services.order_router.repository import LockedOrder
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.fulfilment import ShipmentCancellationRequested
from shared.events.inventory import Allocation, ReallocateStock, RequestedQuantity
from shared.events.orders import OrderAmended
from shared.events.orders import OrderStatus as S

# Nothing is reserved yet, or a reservation is on its way: amended in place (a
# reservation of the old lines that still comes is moved to the new ones, see
# `reserved_before_amendment`).
IN_PLACE = frozenset({S.PLACED, S.AWAITING_PAYMENT, S.HELD_FOR_APPROVAL, S.BACKORDERED})
LEFT = frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.RETURNED})
OVER = frozenset({S.CANCELLING, S.CANCELLED, S.REJECTED, S.FULFILMENT_FAILED})


async def take_amendment(
    amendment: OrderAmended, uow: UnitOfWork, locations: tuple[Location, ...]
) -> None:
    """Runs inside the storefront-orders consumer's transaction (see handlers)."""
    order = await repository.lock_order(uow.connection, amendment.order_id)
    if order is None:
        raise LookupError(f"amendment of unknown order {amendment.order_id}")
    parts = amended_parts(order.placed, amendment)
    if not parts:
        await transitions.record(uow, order, amendment, unchanged="nothing the hub carries")
        return
    detail = ", ".join(parts)
    if order.status in LEFT:
        reason = f"order is {order.status.value}: a parcel has left; changing it needs a return"
        await transitions.record(uow, order, amendment, amendment_refused=reason, parts=detail)
        return
    if order.status in OVER:
        refused = f"order is {order.status.value}"
        await transitions.record(uow, order, amendment, amendment_refused=refused, parts=detail)
        return
    pending = order.amendment
    if pending is not None and in_progress(pending):
        # Shipments are being called off for an earlier amendment: this later one is
        # what they will be sent again with.
        await repository.set_amendment(
            uow.connection, order.order_id, {**pending, "event": amendment}
        )
        await transitions.record(
            uow, order, amendment, amended=detail, replaces="the one under way"
        )
        return
    await _amend(uow, order, amendment, parts, locations)


async def _amend(
    uow: UnitOfWork,
    order: LockedOrder,
    amendment: OrderAmended,
    parts: tuple[str, ...],
    locations: tuple[Location, ...],
) -> None:
    conn = uow.connection
    warehouse_sees = any(part in FOR_THE_WAREHOUSE for part in parts)
    if order.status in IN_PLACE or not warehouse_sees:
        await repository.set_placed(conn, order.order_id, amended(order.placed, amendment))
        if order.status in (S.PLACED, S.BACKORDERED) and "lines" in parts:
            await repository.set_amendment(conn, order.order_id, {"event": amendment})
        await transitions.record(uow, order, amendment, amended=", ".join(parts))
        return
    if order.status is S.RESERVED:
        reason = "its stock is held (unmapped lines, or a counter sale): amend it once it ships"
        await transitions.record(uow, order, amendment, amendment_refused=reason)
        return
    live = [
        s for s in await repository.shipments_of(conn, order.order_id) if s["status"] not in OFF
    ]
    for shipment in live:
        await repository.update_shipment(conn, shipment["shipment_id"], "amending")
        await uow.outbox.add(_call_off(amendment, order, shipment), key=str(order.order_id))
    calling_off = [str(s["shipment_id"]) for s in live]
    await repository.set_amendment(
        conn, order.order_id, {"event": amendment, "calling_off": calling_off, "refused": None}
    )
    await transitions.record(uow, order, amendment, amended=", ".join(parts), calling_off=len(live))


def _call_off(
    amendment: OrderAmended, order: LockedOrder, shipment: dict[str, Any]
) -> ShipmentCancellationRequested:
    return ShipmentCancellationRequested.caused_by(
        amendment,
        shipment_id=shipment["shipment_id"],
        order_id=order.order_id,
        channel=order.placed.channel,
        channel_order_ref=order.placed.channel_order_ref,
        reason="the channel amended the order: it is sent again as amended",
    )


def calling_off(pending: dict[str, Any] | None, shipment_id: uuid.UUID) -> bool:
    """Whether this shipment was called off for the order's last amendment (its 3PL's
    answer may come after the amendment settled: a dispatch answers for it too)."""
    return pending is not None and str(shipment_id) in pending.get("calling_off", ())


def in_progress(pending: dict[str, Any] | None) -> bool:
    """Shipments are being called off for an amendment and not all have answered."""
    return pending is not None and "calling_off" in pending and not pending.get("done")


async def shipment_answered(
    uow: UnitOfWork,
    order: LockedOrder,
    shipments: dict[Any, dict[str, Any]],
    cause: Event,
    locations: tuple[Location, ...],
    refused: str | None = None,
    short: dict[str, Any] | None = None,
) -> None:
    """A 3PL answered a call-off (cancelled, or refused: it had shipped; `short`: the
    part it stopped of a shipment part of which had left). When the last has answered,
    the stock moves and the order goes out again."""
    conn = uow.connection
    pending = order.amendment  # as locked: nothing changed it yet in this transaction
    if pending is None or not in_progress(pending):
        return
    if refused is not None:
        shorts = [*pending.get("short", []), *([short] if short else [])]
        pending = {**pending, "refused": refused, "short": shorts}
        await repository.set_amendment(conn, order.order_id, pending)
    mine = [shipments[uuid.UUID(s)] for s in pending["calling_off"] if uuid.UUID(s) in shipments]
    if any(s["status"] == "amending" for s in mine):
        return
    await repository.set_amendment(conn, order.order_id, {**pending, "done": True})
    # What is to move: the shipments called off, and the stopped rest of partly shipped ones.
    off = [s for s in mine if s["status"] in OFF] + pending.get("short", [])
    await _settle(uow, order, pending, off, cause, locations)


async def _settle(
    uow: UnitOfWork,
    order: LockedOrder,
    pending: dict[str, Any],
    off: list[dict[str, Any]],
    cause: Event,
    locations: tuple[Location, ...],
) -> None:
    """Every 3PL has answered: the stock moves to the amended lines — or, the amendment
    refused, back to what the called-off shipments held, sent again as they were."""
    held = [a for s in off for a in shipment_allocations(s)]
    if pending["refused"] is None:
        amendment = OrderAmended.model_validate(pending["event"])
        order = await _take_amended(uow, order, amendment)
        wanted = [(str(x.sku), x.quantity) for x in amendment.stock_lines]
    else:
        await transitions.record(uow, order, cause, amendment_refused=pending["refused"])
        wanted = [(a.sku, a.quantity) for a in held]
    if off:
        lines = [RequestedQuantity(sku=sku, quantity=q) for sku, q in wanted]
        first = uuid.UUID(str(off[0]["shipment_id"]))
        await move_stock(uow, order, cause, held, lines, locations, instead_of=first)


async def _take_amended(
    uow: UnitOfWork, order: LockedOrder, amendment: OrderAmended
) -> LockedOrder:
    placed = amended(order.placed, amendment)
    await repository.set_placed(uow.connection, order.order_id, placed)
    return replace(order, placed=placed)


async def move_stock(
    uow: UnitOfWork,
    order: LockedOrder,
    cause: Event,
    held: list[Allocation],
    lines: list[RequestedQuantity],
    locations: tuple[Location, ...],
    instead_of: uuid.UUID,
) -> None:
    """What the order held, moved to what it now asks for (the ledger's one step); its
    verdict sends the new shipments (see reroute.stock_reallocated)."""
    refused_at = {
        s["location"]
        for s in await repository.shipments_of(uow.connection, order.order_id)
        if s["status"] == "refused"
    }
    placed = order.placed
    ranked = preferred_locations(locations, placed.ship_to_country, placed.sold_at_location)
    command = ReallocateStock.caused_by(
        cause,
        order_id=order.order_id,
        shipment_id=instead_of,
        release=tuple(held),
        lines=tuple(lines),
        locations=tuple(loc for loc in ranked if loc not in refused_at),
        allow_split=placed.split_shipments_allowed,
        reason="the channel amended the order",
    )
    await uow.outbox.add(command, key=str(order.order_id))


async def reserved_before_amendment(
    uow: UnitOfWork,
    order: LockedOrder,
    cause: Event,
    held: list[Allocation],
    locations: tuple[Location, ...],
) -> bool:
    """The ledger reserved the lines as they were before an amendment that came while it
    was reserving: the reservation moves to the amended lines (True), nothing ships yet."""
    pending = order.amendment
    if pending is None or "calling_off" in pending:
        return False
    await repository.set_amendment(uow.connection, order.order_id, None)
    lines = [
        RequestedQuantity(sku=str(x.sku), quantity=x.quantity) for x in order.placed.stock_lines
    ]
    instead_of = uuid.uuid5(order.order_id, f"amendment:{cause.event_id}")
    await move_stock(uow, order, cause, held, lines, locations, instead_of)
    await transitions.record(uow, order, cause, moving_to="the amended lines")
    return True
