"""The ops console's pure parts: an order's journey, money and times for people, drift per
channel, the flow chart, figures read from Prometheus text, sessions and form tokens, and
the buttons' parameters."""

import pytest

from services.storefront_gateway.console import actions, domain, flow
from services.storefront_gateway.console.session import NotAllowed, Session
from shared.auth import Scope


def test_the_journey_marks_each_step_reached_with_its_time_and_the_current_one() -> None:
    timeline = [
        {"occurred_at": "t1", "detail": {"channel": "web"}},
        {"occurred_at": "t2", "detail": {"status": "reserved"}},
        {"occurred_at": "t3", "detail": {"status": "sent_to_fulfilment"}},
        {"occurred_at": "t4", "detail": {"status": "reserved"}},  # a second reach keeps the first
    ]
    steps = domain.journey("sent_to_fulfilment", timeline, "t1")
    assert [(s.status, s.reached_at) for s in steps] == [
        ("placed", "t1"),
        ("reserved", "t2"),
        ("sent_to_fulfilment", "t3"),
        ("shipped", None),
        ("delivered", None),
    ]
    assert [s.status for s in steps if s.current] == ["sent_to_fulfilment"]


def test_money_and_times_read_as_people_write_them() -> None:
    assert domain.money(123456, "EUR") == "EUR 1,234.56"
    assert domain.money(-5, "USD") == "USD -0.05"
    assert domain.money(None, "USD") == ""
    assert domain.when("2026-12-03T12:09:33.113461+01:00") == "2026-12-03 11:09:33 UTC"
    assert domain.when("not a time") == "not a time"


def test_drift_is_what_reconciliation_found_and_not_listed_is_only_a_note() -> None:
    drifted = domain.channel_view(
        {"channel": "web", "desired": 5, "drift_expected": 5, "drift_actual": 9}
    )
    assert drifted.drift is not None and "shows 9 where 5 was expected" in drifted.drift
    unlisted = domain.channel_view({"channel": "pos", "desired": 0, "listed": False})
    assert (unlisted.drift, unlisted.note) == (None, "not listed on the channel")
    owed = domain.channel_view({"channel": "woo", "desired": 3, "pending": True})
    assert owed.note == "3 owed, not sent yet"


def test_the_chart_stacks_each_minutes_channels_to_the_tallest_minute() -> None:
    rows = [
        {"minute": "12:00", "channel": "a", "orders": 2},
        {"minute": "12:00", "channel": "b", "orders": 2},
        {"minute": "12:01", "channel": "a", "orders": 1},
        {"minute": "12:02", "channel": None, "orders": 0},
        {"minute": "12:03", "channel": None, "orders": 0},
    ]
    chart = flow.bars(rows, width=200, height=100)
    assert chart["top"] == 4 and set(chart["legend"]) == {"a", "b"}
    first, second, third = chart["bars"]
    assert (first.y, first.height, second.y, second.height) == (50, 50, 0, 50)
    assert (third.x, third.height) == (50, 25)  # four minutes, each 50 wide


METRICS = """# TYPE crossdock_outbox_backlog gauge
crossdock_outbox_backlog 7.0
# TYPE crossdock_channel_stock_lag_seconds histogram
crossdock_channel_stock_lag_seconds_bucket{channel="a",le="0.1"} 6.0
crossdock_channel_stock_lag_seconds_bucket{channel="a",le="1.0"} 9.0
crossdock_channel_stock_lag_seconds_bucket{channel="a",le="+Inf"} 10.0
crossdock_channel_stock_lag_seconds_bucket{channel="b",le="0.1"} 0.0
crossdock_channel_stock_lag_seconds_bucket{channel="b",le="1.0"} 0.0
crossdock_channel_stock_lag_seconds_bucket{channel="b",le="+Inf"} 0.0
crossdock_channel_stock_lag_seconds_count{channel="a"} 10.0
crossdock_channel_stock_lag_seconds_sum{channel="a"} 3.0
"""


def test_figures_are_read_from_the_services_own_metrics() -> None:
    assert flow.gauge_sum(METRICS, "crossdock_outbox_backlog") == 7
    assert flow.quantile(METRICS, "crossdock_channel_stock_lag_seconds", 0.5) == 0.1
    assert flow.quantile(METRICS, "crossdock_channel_stock_lag_seconds", 0.99) == float("inf")
    assert flow.quantile("", "crossdock_channel_stock_lag_seconds", 0.5) is None


def test_a_form_token_belongs_to_its_session_and_a_read_session_cannot_act() -> None:
    admin = Session("a" * 40, Scope.ADMIN)
    other = Session("b" * 40, Scope.ADMIN)
    admin.check_form(admin.form_token)
    with pytest.raises(NotAllowed):
        admin.check_form(other.form_token)
    with pytest.raises(NotAllowed):
        admin.check_form(None)
    assert not Session("c" * 40, Scope.READ).can_act


def test_a_button_names_what_it_acts_on_or_is_refused() -> None:
    replay = actions.ACTIONS["replay-quarantine"]
    assert "unknown sku" in replay.describe({"reason": "unknown sku"})
    with pytest.raises(actions.BadAction):
        replay.describe({"delivery_id": "../../quarantine"})
    with pytest.raises(actions.BadAction):
        actions.ACTIONS["replay-dead-letter"].describe({"service": "elsewhere", "offset": "1"})
    with pytest.raises(actions.BadAction):
        actions.ACTIONS["approve-order"].describe({})
