from datetime import UTC, datetime, timedelta

import pytest

from services.order_router.domain import credit_hold_reason
from services.storefront_gateway.catalog.domain import PriceEntry, price_at
from services.storefront_gateway.erp import mapping
from services.storefront_gateway.erp.mapping import ErpRecordError

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def entry(
    pid: str, amount: int, start: datetime | None = None, end: datetime | None = None, rev: int = 1
) -> PriceEntry:
    return PriceEntry(pid, "USD", amount, None, start, end, rev)


def test_the_standing_price_applies_outside_any_window() -> None:
    book = [entry("std", 3000), entry("flash", 1999, NOW + HOUR, NOW + 2 * HOUR)]
    assert price_at(book, "USD", NOW).amount_minor == 3000
    assert price_at(book, "USD", NOW + 2 * HOUR).amount_minor == 3000  # the end is exclusive


def test_a_window_in_force_wins_and_the_latest_starting_window_wins_over_another() -> None:
    book = [
        entry("std", 3000),
        entry("week", 2500, NOW - HOUR, NOW + 24 * HOUR),
        entry("flash", 1999, NOW, NOW + HOUR),
    ]
    assert price_at(book, "USD", NOW).amount_minor == 1999
    assert price_at(book, "USD", NOW + HOUR).amount_minor == 2500


def test_the_newest_standing_price_wins_and_other_currencies_are_ignored() -> None:
    book = [
        entry("a", 1000, rev=1),
        entry("b", 1100, rev=2),
        PriceEntry("eur", "EUR", 900, None, None, None, 3),
    ]
    assert price_at(book, "USD", NOW).amount_minor == 1100
    assert price_at(book, "GBP", NOW) is None


def test_an_order_within_the_credit_limit_passes_and_one_beyond_it_says_why() -> None:
    assert credit_hold_reason(100000, 90000, 10000, "USD") is None
    reason = credit_hold_reason(100000, 95000, 10000, "USD")
    assert reason == "credit limit 1000.00 USD exceeded: 950.00 open + this order 100.00 = 1050.00"


def test_an_erp_price_maps_money_and_windows() -> None:
    price = mapping.price(
        {
            "id": "p1",
            "sku": "A",
            "currency": "USD",
            "amount": "19.99",
            "compare_at": 30,
            "starts_at": "2026-11-28T12:00:00Z",
            "ends_at": "2026-11-28T13:00:00Z",
            "revision": 7,
        }
    )
    assert (price.amount_minor, price.compare_at_minor, price.revision) == (1999, 3000, 7)
    assert price.starts_at == NOW


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount": "1.999"}, "amount: '1.999' has more decimals than USD allows"),
        ({"currency": "usd"}, "currency"),
        ({"starts_at": "tomorrow"}, "starts_at: 'tomorrow' is not an ISO 8601 time"),
        (
            {"ends_at": "2026-11-28T11:00:00Z", "starts_at": "2026-11-28T12:00:00Z"},
            "ends_at must be after",
        ),
    ],
)
def test_an_erp_price_that_cannot_be_mapped_says_which_field_and_why(
    change: dict, reason: str
) -> None:
    record = {"id": "p1", "sku": "A", "currency": "USD", "amount": "1.00", "revision": 1} | change
    with pytest.raises(ErpRecordError, match=reason):
        mapping.price(record)


def test_an_erp_customer_maps_credit_terms_and_negotiated_prices() -> None:
    customer = mapping.customer(
        {
            "number": "C1",
            "email": " Buyer@Acme.test ",
            "name": "Acme",
            "currency": "USD",
            "credit_limit": "5000.00",
            "balance": "120.50",
            "balance_as_of": "2026-11-01T00:00:00Z",
            "price_list": [{"sku": "A", "price": "17.50"}],
            "revision": 3,
        }
    )
    assert customer.email == "buyer@acme.test"
    assert (customer.credit_limit_minor, customer.balance_minor) == (500000, 12050)
    assert customer.price_list[0].amount_minor == 1750
