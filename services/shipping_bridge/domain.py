"""Pure rules of a shipment at its 3PL: states only move forward; never ship more than asked."""

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from shared.events.fulfilment import ShipmentLine


class ShipmentStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    PARTIALLY_DISPATCHED = "partially_dispatched"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CANCELLING = "cancelling"
    REFUSED = "refused"
    CANCELLED = "cancelled"


_RANK = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.SENT: 1,
    ShipmentStatus.ACKNOWLEDGED: 2,
    ShipmentStatus.CANCELLING: 2,
    ShipmentStatus.PARTIALLY_DISPATCHED: 3,
    ShipmentStatus.DISPATCHED: 4,
    ShipmentStatus.DELIVERED: 5,
}
FINAL = frozenset({ShipmentStatus.REFUSED, ShipmentStatus.CANCELLED})
DISPATCHED = frozenset(
    {ShipmentStatus.PARTIALLY_DISPATCHED, ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED}
)


def later(current: ShipmentStatus, target: ShipmentStatus) -> ShipmentStatus:
    """The furthest of the two: a late or repeated report never moves a shipment back.
    Refused and cancelled are final. A dispatch overtakes a pending cancellation (the
    parcel left before the 3PL got the cancel), an acknowledgement does not."""
    if current in FINAL:
        return current
    if target in FINAL:
        return target
    return target if _RANK[target] > _RANK[current] else current


class DispatchError(ValueError):
    """A dispatch report that contradicts the shipment (unknown SKU, too many units)."""


def totals(lines: Iterable[ShipmentLine]) -> dict[str, int]:
    merged: dict[str, int] = defaultdict(int)
    for line in lines:
        merged[line.sku] += line.quantity
    return dict(merged)


def check_dispatch(
    requested: dict[str, int], shipped: dict[str, int], parcel: dict[str, int]
) -> bool:
    """Raises DispatchError if the parcel over-ships; True when the shipment is now complete."""
    for sku, quantity in parcel.items():
        if sku not in requested:
            raise DispatchError(f"SKU {sku} is not part of this shipment")
        if shipped.get(sku, 0) + quantity > requested[sku]:
            raise DispatchError(
                f"{sku}: {shipped.get(sku, 0)} already dispatched + {quantity} now exceeds "
                f"the {requested[sku]} requested"
            )
    return all(shipped.get(s, 0) + parcel.get(s, 0) >= q for s, q in requested.items())


def remainder_of(
    requested: dict[str, int], called_off: Iterable[ShipmentLine] | None
) -> dict[str, int] | None:
    """What a 3PL called off of a shipment part of which had left; None when it called
    off the whole of it (or did not say: the whole)."""
    if called_off is None:
        return None
    off = totals(called_off)
    if off == requested:
        return None
    return {sku: min(q, requested.get(sku, 0)) for sku, q in off.items() if requested.get(sku)}


def closed_short(
    requested: dict[str, int], shipped: dict[str, int], called_off: dict[str, int]
) -> tuple[dict[str, int], ShipmentStatus]:
    """A shipment less what its 3PL called off: the lines it now asks for, and whether
    the parcels reported so far are all of them (a parcel's report may still be coming)."""
    lines = {
        sku: quantity - called_off.get(sku, 0)
        for sku, quantity in requested.items()
        if quantity > called_off.get(sku, 0)
    }
    complete = all(shipped.get(sku, 0) >= quantity for sku, quantity in lines.items())
    return lines, ShipmentStatus.DISPATCHED if complete else ShipmentStatus.PARTIALLY_DISPATCHED
