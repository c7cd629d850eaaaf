"""EasyPost's Tracker (docs.easypost.com, Trackers) read as one scan: the latest of its
tracking_details, where and when; a tracker without a time is no scan."""

from datetime import UTC, datetime

from services.shipping_bridge.tracking_history import scan_of
from services.storefront_gateway.feedback.notices import SHOPIFY_EVENT_STATUS


def test_the_latest_detail_is_the_scan_whatever_the_order_given() -> None:
    tracker = {
        "status": "out_for_delivery",
        "status_detail": "out_for_delivery",
        "updated_at": "2026-12-01T15:00:00Z",
        "est_delivery_date": "2026-12-01T20:00:00Z",
        "tracking_details": [
            {
                "message": "Out for delivery",
                "datetime": "2026-12-01T14:00:00Z",
                "tracking_location": {
                    "city": "Memphis",
                    "state": "TN",
                    "country": "US",
                    "zip": "38118",
                },
            },
            {"message": "Arrived", "datetime": "2026-12-01T09:00:00Z", "tracking_location": {}},
        ],
    }
    scan = scan_of(tracker)
    assert scan is not None
    assert scan["happened_at"] == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert (scan["message"], scan["city"], scan["postal_code"]) == (
        "Out for delivery",
        "Memphis",
        "38118",
    )
    assert scan["estimated_delivery"] == datetime(2026, 12, 1, 20, tzinfo=UTC)


def test_without_details_the_tracker_s_own_time_counts_and_without_any_there_is_no_scan() -> None:
    scan = scan_of({"status": "pre_transit", "updated_at": "2026-12-01T08:00:00Z"})
    assert scan is not None and scan["happened_at"] == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert scan_of({"status": "in_transit"}) is None


def test_shopify_is_sent_only_statuses_it_has_a_word_for() -> None:
    assert SHOPIFY_EVENT_STATUS["available_for_pickup"] == "ready_for_pickup"
    assert "unknown" not in SHOPIFY_EVENT_STATUS and "error" not in SHOPIFY_EVENT_STATUS
