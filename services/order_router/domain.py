"""Pure rules of the order's life: allowed transitions, routing, shipments, progress."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from services.order_router.locations import Location
from shared.events.envelope import Event
from shared.events.fulfilment import RequestedLine, ShipmentRequested
from shared.events.inventory import Allocation, RequestedQuantity, ReserveStock
from shared.events.money import to_decimal_string
from shared.events.orders import OrderAmended, OrderLine, OrderPlaced
from shared.events.orders import OrderStatus as S

_ALLOWED: dict[S, frozenset[S]] = {
    S.PLACED: frozenset(
        {
            S.RESERVED,
            S.REJECTED,
            S.BACKORDERED,
            S.CANCELLED,
            S.HELD_FOR_APPROVAL,
            S.AWAITING_PAYMENT,
        }
    ),
    # The channel's policy routes only paid orders (say): nothing is reserved until paid.
    S.AWAITING_PAYMENT: frozenset({S.PLACED, S.CANCELLED}),
    # Beyond a B2B customer's credit limit: nothing is reserved until someone approves.
    S.HELD_FOR_APPROVAL: frozenset({S.PLACED, S.CANCELLED}),
    S.BACKORDERED: frozenset({S.RESERVED, S.CANCELLED}),
    # A counter sale is delivered the moment it is handed over.
    # Amended lines no location can fill fail the order (its stock is given back).
    S.RESERVED: frozenset({S.SENT_TO_FULFILMENT, S.FULFILMENT_FAILED, S.CANCELLED, S.DELIVERED}),
    S.SENT_TO_FULFILMENT: frozenset(
        {S.PARTIALLY_SHIPPED, S.SHIPPED, S.FULFILMENT_FAILED, S.CANCELLING, S.CANCELLED}
    ),
    S.FULFILMENT_FAILED: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLING, S.CANCELLED}),
    # A parcel can leave before the 3PL hears of the cancellation: the order ships.
    S.CANCELLING: frozenset({S.CANCELLED, S.PARTIALLY_SHIPPED, S.SHIPPED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.FULFILMENT_FAILED, S.RETURNED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
    S.REJECTED: frozenset(),
    S.DELIVERED: frozenset({S.RETURNED}),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
}

# Before anything left: cancelling is still possible (at the 3PL if it has the order).
CANCELLABLE = frozenset(
    {
        S.PLACED,
        S.AWAITING_PAYMENT,
        S.HELD_FOR_APPROVAL,
        S.BACKORDERED,
        S.RESERVED,
        S.SENT_TO_FULFILMENT,
        S.FULFILMENT_FAILED,
    }
)
# Shipments that will never ship.
OFF = frozenset({"refused", "cancelled"})


def can_move(current: S, target: S) -> bool:
    return target in _ALLOWED[current]


def credit_hold_reason(
    limit_minor: int, open_minor: int, order_minor: int, currency: str
) -> str | None:
    """Why the order must wait for approval, or None when it fits the credit limit.
    `open_minor` is what the customer already owes or has on order."""
    exposure = open_minor + order_minor
    if exposure <= limit_minor:
        return None

    def money(minor: int) -> str:
        return to_decimal_string(minor, currency)

    return (
        f"credit limit {money(limit_minor)} {currency} exceeded: {money(open_minor)} open"
        f" + this order {money(order_minor)} = {money(exposure)}"
    )


def preferred_locations(
    locations: tuple[Location, ...], country: str | None, sold_at: str | None = None
) -> tuple[str, ...]:
    """A counter sale comes from its own store only; otherwise locations serving the
    destination first, then by priority (ties keep file order)."""
    if sold_at is not None:
        return (sold_at,)
    ranked = sorted(locations, key=lambda loc: (country not in loc.countries, loc.priority))
    return tuple(loc.id for loc in ranked)


def reservation_request(order: OrderPlaced, locations: tuple[str, ...]) -> ReserveStock:
    """Only stock lines are reserved; gift wrap, tips and unmapped lines never are."""
    quantities: dict[str, int] = defaultdict(int)
    for line in order.stock_lines:
        assert line.sku is not None
        quantities[line.sku] += line.quantity
    return ReserveStock.caused_by(
        order,
        order_id=order.order_id,
        lines=tuple(RequestedQuantity(sku=s, quantity=q) for s, q in sorted(quantities.items())),
        locations=locations,
        allow_split=order.split_shipments_allowed,
    )


@dataclass(frozen=True)
class PlannedShipment:
    shipment_id: uuid.UUID
    location: str
    fulfiller: str
    lines: dict[str, int]


def plan_shipments(
    order_id: uuid.UUID,
    allocations: list[Allocation],
    locations: tuple[Location, ...],
    instead_of: uuid.UUID | None = None,
) -> list[PlannedShipment]:
    """One shipment per location the order's stock is reserved at (fewest shipments).
    A shipment that replaces a refused one has its own id, even at a location the order
    already ships from."""
    suffix = "" if instead_of is None else f":instead-of:{instead_of}"
    by_location: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for allocation in allocations:
        by_location[allocation.location][allocation.sku] += allocation.quantity
    fulfillers = {loc.id: loc.fulfiller for loc in locations}
    return [
        PlannedShipment(
            shipment_id=uuid.uuid5(order_id, f"shipment:{location}{suffix}"),
            location=location,
            fulfiller=fulfillers[location],
            lines=dict(sorted(lines.items())),
        )
        for location, lines in sorted(by_location.items())
    ]


@dataclass
class ShipmentProgress:
    lines: dict[str, int]
    shipped: dict[str, int] = field(default_factory=dict)
    delivered: bool = False

    @property
    def complete(self) -> bool:
        return all(self.shipped.get(sku, 0) >= qty for sku, qty in self.lines.items())

    @property
    def started(self) -> bool:
        return any(self.shipped.values())


def progress_status(lines: dict[str, int], shipped: dict[str, int], delivered: bool) -> str:
    """A shipment's status from what it asks for and what left of it."""
    if delivered:
        return "delivered"
    progress = ShipmentProgress(lines=lines, shipped=shipped)
    if progress.complete:
        return "shipped"
    return "partially_shipped" if progress.started else "sent"


def without(lines: dict[str, int], taken: dict[str, int]) -> dict[str, int]:
    """Lines less what was taken off them, unit by unit; none left, none listed."""
    return {sku: q - taken.get(sku, 0) for sku, q in lines.items() if q > taken.get(sku, 0)}


def order_progress(shipments: list[ShipmentProgress]) -> S | None:
    """The fulfilment status the shipments add up to; None before anything shipped."""
    if shipments and all(s.delivered for s in shipments):
        return S.DELIVERED
    if shipments and all(s.complete for s in shipments):
        return S.SHIPPED
    if any(s.started for s in shipments):
        return S.PARTIALLY_SHIPPED
    return None


def requested_lines(placed: OrderPlaced, picked: dict[str, int]) -> tuple[RequestedLine, ...]:
    """What a shipment asks the warehouse to pick, each SKU with the title it was sold
    under and its unit price after discounts (what customs asks a parcel's value to be)."""
    sold: dict[str, list[OrderLine]] = {}
    for line in placed.stock_lines:
        sold.setdefault(str(line.sku), []).append(line)
    lines = []
    for sku, quantity in picked.items():
        matches = sold.get(sku, [])
        units = sum(m.quantity for m in matches)
        paid = sum(m.gross_minor - m.discount_minor for m in matches)
        lines.append(
            RequestedLine(
                sku=sku,
                quantity=quantity,
                title=matches[0].title[:255] if matches else None,
                unit_price_minor=round(paid / units) if units else None,
            )
        )
    return tuple(lines)


def shipment_allocations(shipment: dict[str, Any]) -> list[Allocation]:
    """What a shipment holds reserved: each of its lines at its location."""
    return [
        Allocation(sku=sku, location=shipment["location"], quantity=quantity)
        for sku, quantity in sorted(shipment["lines"].items())
    ]


def shipment_request(
    cause: Event, placed: OrderPlaced, shipment: PlannedShipment
) -> ShipmentRequested:
    """What the location's 3PL is asked for: the lines it holds, and all a label needs."""
    return ShipmentRequested.caused_by(
        cause,
        shipment_id=shipment.shipment_id,
        order_id=placed.order_id,
        channel=placed.channel,
        channel_order_ref=placed.channel_order_ref,
        channel_order_name=placed.channel_order_name,
        location=shipment.location,
        fulfiller=shipment.fulfiller,
        lines=requested_lines(placed, shipment.lines),
        ship_to_country=placed.ship_to_country,
        ship_to=placed.ship_to,
        shipping_method=placed.shipping_method,
        customer_note=placed.customer_note,
        currency=placed.currency,
        ship_by=placed.requested_ship_date,
        deliver_by=placed.requested_delivery_date,
    )


# What the warehouse's request carries: a change to one of these sends the order again.
FOR_THE_WAREHOUSE = ("ship_to", "shipping_method", "customer_note", "lines")


def amended_parts(placed: OrderPlaced, amendment: OrderAmended) -> tuple[str, ...]:
    """Which parts of the order the amendment changes ("lines": what ships, by SKU;
    "prices": the lines' money or the totals alone)."""
    parts = [
        name
        for name in ("ship_to", "bill_to", "shipping_method", "customer_note")
        if getattr(placed, name) != getattr(amendment, name)
    ]
    if _units(placed.stock_lines) != _units(amendment.stock_lines):
        parts.append("lines")
    elif placed.lines != amendment.lines or placed.totals != amendment.totals:
        parts.append("prices")
    return tuple(parts)


def _units(lines: tuple[OrderLine, ...]) -> dict[str, int]:
    units: dict[str, int] = defaultdict(int)
    for line in lines:
        units[str(line.sku)] += line.quantity
    return dict(units)


def amended(placed: OrderPlaced, amendment: OrderAmended) -> OrderPlaced:
    """The order as the channel now has it."""
    taken = ("lines", "totals", "ship_to_country", "ship_to", "bill_to", "shipping_method")
    changes = {name: getattr(amendment, name) for name in (*taken, "customer_note")}
    return placed.model_copy(update=changes)
