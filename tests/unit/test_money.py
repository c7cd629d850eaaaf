from decimal import Decimal

import pytest

from shared.events.money import Money, MoneyError, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("199.00", "USD", 19900),
        ("0.10", "EUR", 10),
        (12.5, "EUR", 1250),
        (7, "USD", 700),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        (Decimal("-3.20"), "USD", -320),
    ],
)
def test_converts_decimal_amounts_exactly_to_minor_units(amount, currency, expected) -> None:
    assert to_minor_units(amount, currency) == expected


@pytest.mark.parametrize(
    ("amount", "currency"), [("9.999", "USD"), ("1.5", "JPY"), ("abc", "USD"), ("NaN", "USD")]
)
def test_refuses_amounts_its_currency_cannot_hold_exactly(amount, currency) -> None:
    with pytest.raises(MoneyError):
        to_minor_units(amount, currency)


def test_money_rejects_a_currency_that_is_not_iso_4217_shaped() -> None:
    with pytest.raises(ValueError):
        Money(amount_minor=100, currency="usd")


def test_money_parses_strings_and_floats_alike() -> None:
    assert (
        Money.parse("0.30", "USD")
        == Money.parse(0.3, "USD")
        == Money(amount_minor=30, currency="USD")
    )
