import uuid

import pytest
from pydantic import ValidationError

from shared.events.codec import Decoder, UnknownEventType, encode, headers_of
from shared.events.inventory import StockReserved
from shared.events.orders import LineKind, OrderLine, OrderPlaced, OrderTotals


def totals(**overrides: object) -> OrderTotals:
    fields = dict(
        items_minor=1000,
        discount_minor=100,
        shipping_minor=500,
        tax_minor=90,
        total_minor=1490,
        taxes_included=False,
    )
    return OrderTotals(**{**fields, **overrides})


def test_totals_reconcile_when_components_add_up_to_the_platform_total() -> None:
    assert totals().total_minor == 1490


def test_tax_included_in_prices_is_not_added_again() -> None:
    assert totals(taxes_included=True, total_minor=1400).total_minor == 1400


def test_totals_that_do_not_add_up_are_refused_with_the_arithmetic() -> None:
    with pytest.raises(ValidationError, match="= 1490, but the platform's total is 1491"):
        totals(total_minor=1491)


def test_stock_line_without_sku_is_refused() -> None:
    with pytest.raises(ValidationError, match="stock line needs a SKU"):
        OrderLine(line_ref="1", kind=LineKind.STOCK, title="x", quantity=1, gross_minor=1)


def test_events_are_immutable() -> None:
    event = StockReserved(correlation_id=uuid.uuid4(), order_id=uuid.uuid4(), allocations=())
    with pytest.raises(ValidationError):
        event.order_id = uuid.uuid4()  # type: ignore[misc]


def test_follow_up_event_keeps_the_correlation_and_names_its_cause() -> None:
    cause = StockReserved(correlation_id=uuid.uuid4(), order_id=uuid.uuid4(), allocations=())
    follow = StockReserved.caused_by(cause, order_id=cause.order_id, allocations=())
    assert follow.correlation_id == cause.correlation_id
    assert follow.causation_id == cause.event_id
    assert follow.event_id != cause.event_id


def test_codec_round_trips_an_event_and_repeats_the_envelope_in_headers() -> None:
    order = OrderPlaced(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="c",
        channel_order_ref="1",
        channel_order_name="#1",
        currency="USD",
        totals=totals(),
        lines=(
            OrderLine(
                line_ref="1",
                kind=LineKind.NON_STOCK,
                title="Tip",
                quantity=1,
                gross_minor=1000,
                discount_minor=100,
            ),
        ),
    )
    assert Decoder(OrderPlaced).decode(encode(order)) == order
    assert headers_of(order)["event_type"] == "OrderPlaced"
    assert headers_of(order)["event_id"] == str(order.event_id)


def test_decoder_refuses_an_event_type_it_was_not_built_for() -> None:
    reserved = StockReserved(correlation_id=uuid.uuid4(), order_id=uuid.uuid4(), allocations=())
    with pytest.raises(UnknownEventType):
        Decoder(OrderPlaced).decode(encode(reserved))
