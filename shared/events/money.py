"""Money as integer minor units plus an ISO 4217 currency; never floats.

Rounding policy (one for all currencies): amounts arriving as decimal strings or
numbers are converted exactly; an amount with more decimals than the currency has
minor units is an error rather than silently rounded, because it means the platform
and Crossdock disagree about the money.
"""

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from shared.bounded import InputRejected, decimal_of

# ISO 4217 minor-unit exponents that differ from the default of 2.
_EXPONENTS = {
    "BHD": 3,
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# ISO 4217's active currencies a sale can be made in (no metals, funds' test or "no
# currency" codes): an order in anything else could not be booked or exported.
CURRENCIES = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD
XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split()
)


class MoneyError(ValueError):
    """An amount that cannot be represented exactly in its currency."""


def minor_unit_exponent(currency: str) -> int:
    if currency not in CURRENCIES:
        raise MoneyError(f"{currency!r} is not an ISO 4217 currency")
    return _EXPONENTS.get(currency, 2)


def to_minor_units(amount: str | int | float | Decimal, currency: str) -> int:
    """Exact conversion of a decimal amount (string or number) to minor units."""
    try:
        value = decimal_of(amount)
    except InputRejected as exc:
        raise MoneyError(f"{amount!r} is not a decimal amount within range") from exc
    scaled = value.scaleb(minor_unit_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount!r} has more decimals than {currency} allows")
    return int(scaled)


class Money(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    amount_minor: int = Field(description="Amount in the currency's minor units (cents).")
    currency: str = Field(pattern=CURRENCY_PATTERN, description="ISO 4217 currency code.")

    @classmethod
    def parse(cls, amount: str | int | float | Decimal, currency: str) -> Self:
        return cls(amount_minor=to_minor_units(amount, currency), currency=currency)


def to_decimal_string(amount_minor: int, currency: str) -> str:
    """Minor units back to the decimal string channels expect: 1999 USD -> "19.99"."""
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(amount_minor).scaleb(-exponent):.{exponent}f}"
