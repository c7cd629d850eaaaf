"""A shipment part of which left when its call-off came: what the 3PL stopped, what the
shipment still asks for, and how far it got."""

from services.order_router.domain import progress_status, without
from services.shipping_bridge.domain import ShipmentStatus, closed_short, remainder_of
from shared.events.fulfilment import ShipmentLine


def lines(**units: int) -> list[ShipmentLine]:
    return [ShipmentLine(sku=sku, quantity=q) for sku, q in units.items()]


def test_a_whole_call_off_or_one_that_says_nothing_is_no_remainder() -> None:
    assert remainder_of({"A": 2}, None) is None
    assert remainder_of({"A": 2}, lines(A=2)) is None


def test_the_3pl_stopped_part_only_what_was_asked_for_counts() -> None:
    assert remainder_of({"A": 4, "B": 1}, lines(A=2)) == {"A": 2}
    assert remainder_of({"A": 4}, lines(A=9, Z=1)) == {"A": 4}


def test_the_trimmed_shipment_is_dispatched_only_once_every_parcel_is_reported() -> None:
    assert closed_short({"A": 4, "B": 1}, {"A": 2, "B": 1}, {"A": 2}) == (
        {"A": 2, "B": 1},
        ShipmentStatus.DISPATCHED,
    )
    # A parcel that left before the stop may still be on its way as a report.
    assert closed_short({"A": 4, "B": 1}, {"A": 2}, {"A": 2}) == (
        {"A": 2, "B": 1},
        ShipmentStatus.PARTIALLY_DISPATCHED,
    )


def test_the_router_reads_a_trimmed_shipment_as_what_left() -> None:
    assert without({"A": 4, "B": 1}, {"A": 2, "B": 1}) == {"A": 2}
    assert progress_status({"A": 2}, {"A": 2}, delivered=False) == "shipped"
    assert progress_status({"A": 3}, {"A": 2}, delivered=False) == "partially_shipped"
    assert progress_status({"A": 3}, {}, delivered=False) == "sent"
    assert progress_status({"A": 2}, {"A": 2}, delivered=True) == "delivered"
