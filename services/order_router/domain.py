"""Pure rules of the order's life: allowed transitions, and what to ask the ledger."""

from collections import defaultdict

from shared.events.inventory import RequestedQuantity, ReserveStock
from shared.events.orders import OrderPlaced, OrderStatus

_ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.RESERVED, OrderStatus.REJECTED}),
    OrderStatus.RESERVED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
}


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    return target in _ALLOWED[current]


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
    )
