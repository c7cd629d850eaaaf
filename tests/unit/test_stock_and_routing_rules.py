import uuid

from services.inventory_ledger.domain import rejection_reason, requested_by_sku
from services.order_router.domain import can_move, requested_lines, reservation_request
from shared.events.inventory import RequestedQuantity, ShortLine
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderStatus, OrderTotals


def test_requested_quantities_are_merged_per_sku_and_sorted_to_fix_the_lock_order() -> None:
    lines = (
        RequestedQuantity(sku="B", quantity=1),
        RequestedQuantity(sku="A", quantity=2),
        RequestedQuantity(sku="B", quantity=3),
    )
    assert requested_by_sku(lines) == [("A", 2), ("B", 4)]


def test_rejection_reason_names_every_short_line() -> None:
    reason = rejection_reason([ShortLine(sku="A", requested=3, available=1)])
    assert "A: requested 3, available 1" in reason


def test_orders_move_only_forward_from_placed() -> None:
    assert can_move(OrderStatus.PLACED, OrderStatus.RESERVED)
    assert can_move(OrderStatus.PLACED, OrderStatus.REJECTED)
    assert not can_move(OrderStatus.REJECTED, OrderStatus.RESERVED)
    assert not can_move(OrderStatus.RESERVED, OrderStatus.PLACED)


def test_reservation_request_holds_only_stock_lines_merged_by_sku() -> None:
    def line(ref: str, kind: LineKind, sku: str | None, qty: int) -> OrderLine:
        return OrderLine(line_ref=ref, kind=kind, sku=sku, title=ref, quantity=qty, gross_minor=100)

    order = OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="c",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        lines=(
            line("1", LineKind.STOCK, "A", 1),
            line("2", LineKind.NON_STOCK, None, 1),
            line("3", LineKind.STOCK, "A", 2),
        ),
        totals=OrderTotals(
            items_minor=300,
            discount_minor=0,
            shipping_minor=0,
            tax_minor=0,
            total_minor=300,
            taxes_included=False,
        ),
    )
    request = reservation_request(order, ("wh-1", "wh-2"))
    assert request.lines == (RequestedQuantity(sku="A", quantity=3),)
    assert request.locations == ("wh-1", "wh-2")
    assert request.correlation_id == order.correlation_id
    assert request.causation_id == order.event_id


def test_a_shipment_line_carries_its_title_and_unit_price_after_discounts() -> None:
    lines = (
        OrderLine(
            line_ref="1", kind=LineKind.STOCK, sku="A", title="Mug", quantity=2, gross_minor=2000,
            discount_minor=200,
        ),
        OrderLine(
            line_ref="2", kind=LineKind.STOCK, sku="A", title="Mug (gift)", quantity=1,
            gross_minor=1000,
        ),
        OrderLine(
            line_ref="3", kind=LineKind.STOCK, sku="B", title="Bowl", quantity=3, gross_minor=999
        ),
    )  # fmt: skip
    order = OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="c",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        lines=lines,
        totals=OrderTotals(
            items_minor=3999,
            discount_minor=200,
            shipping_minor=0,
            tax_minor=0,
            total_minor=3799,
            taxes_included=False,
        ),
    )
    picked = requested_lines(order, {"A": 3, "B": 1})
    assert [(x.sku, x.quantity, x.title, x.unit_price_minor) for x in picked] == [
        ("A", 3, "Mug", 933),  # (1800 + 1000) / 3 units, what was paid for each
        ("B", 1, "Bowl", 333),
    ]
