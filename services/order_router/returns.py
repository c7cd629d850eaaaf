"""Use case: a refund with goods coming back — tell the location that shipped them to
expect a return; and when it arrives, the order is returned."""

import uuid
from collections import defaultdict
from typing import Any

from services.order_router import repository, transitions
from shared.db import UnitOfWork
from shared.events.orders import OrderStatus
from shared.events.returns import RefundIssued, ReturnExpected, ReturnLine, ReturnReceived


def expected_returns(
    refund: RefundIssued, shipments: list[dict[str, Any]]
) -> dict[uuid.UUID, dict[str, int]]:
    """Restocked lines, grouped by the shipment that carried each SKU out."""
    by_shipment: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in refund.lines:
        if not line.restock or not line.sku or not line.quantity:
            continue
        carrier = next((s for s in shipments if s["shipped"].get(line.sku)), None)
        if carrier is not None:
            by_shipment[carrier["shipment_id"]][line.sku] += line.quantity
    return {k: dict(v) for k, v in by_shipment.items()}


async def take_refund(refund: RefundIssued, uow: UnitOfWork) -> None:
    """Runs inside the storefront-orders consumer's transaction (see handlers)."""
    order = await repository.lock_order(uow.connection, refund.order_id)
    if order is None:
        raise LookupError(f"refund of unknown order {refund.order_id}")
    if not await repository.claim_refund(uow.connection, order.order_id, refund.refund_ref):
        return
    shipments = await repository.shipments_of(uow.connection, order.order_id)
    expected = expected_returns(refund, shipments)
    for shipment in (s for s in shipments if s["shipment_id"] in expected):
        notice = ReturnExpected.caused_by(
            refund,
            return_id=uuid.uuid5(shipment["shipment_id"], f"return:{refund.refund_ref}"),
            order_id=order.order_id,
            shipment_id=shipment["shipment_id"],
            location=shipment["location"],
            fulfiller=shipment["fulfiller"],
            lines=tuple(
                ReturnLine(sku=s, quantity=q)
                for s, q in sorted(expected[shipment["shipment_id"]].items())
            ),
        )
        await uow.outbox.add(notice, key=str(order.order_id))
    await transitions.record(
        uow,
        order,
        refund,
        refund=refund.refund_ref,
        total_minor=refund.total_minor,
        returns_expected=len(expected),
    )


async def return_received(event: ReturnReceived, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, event.event_id):
            return
        order = await repository.lock_order(uow.connection, event.order_id)
        if order is None:
            raise LookupError(f"return for unknown order {event.order_id}")
        received = {f"{line.sku} ({line.condition})": line.quantity for line in event.lines}
        await transitions.move(uow, order, OrderStatus.RETURNED, event, received=received)
        await uow.commit()
