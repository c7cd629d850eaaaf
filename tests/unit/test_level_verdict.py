"""What a channel's own report of a level means where the hub sets the quantity
(services/storefront_gateway/sync/domain.level_verdict)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.storefront_gateway.sync.domain import level_verdict

PUSHED_AT = datetime(2026, 12, 2, 12, 0, 0, 600_000, tzinfo=UTC)


def told(pushed: int | None = 10, pending: bool = False) -> dict[str, object]:
    return {
        "desired": 10,
        "desired_version": 8 if pending else 7,
        "pushed": pushed,
        "pushed_version": 7,
        "pushed_at": PUSHED_AT,
    }


@pytest.mark.parametrize(
    ("available", "state", "at", "verdict"),
    [
        (None, told(), PUSHED_AT + timedelta(seconds=5), "untracked"),  # never a 0
        (3, None, PUSHED_AT, "not_synced"),
        (3, told(pushed=None), PUSHED_AT, "not_synced"),
        (3, told(pending=True), PUSHED_AT + timedelta(seconds=5), "pending"),
        (10, told(), PUSHED_AT + timedelta(seconds=5), "in_step"),  # the echo of our push
        (7, told(), PUSHED_AT - timedelta(seconds=2), "in_step"),  # older than our push
        # Shopify's times are to the second: the same second as our push is not "older".
        (7, told(), PUSHED_AT.replace(microsecond=0), "drift"),
        (25, told(), PUSHED_AT + timedelta(seconds=5), "drift"),
    ],
)
def test_each_report_means_one_thing(
    available: int | None, state: dict[str, object] | None, at: datetime, verdict: str
) -> None:
    assert level_verdict(available, state, at)[0] == verdict
