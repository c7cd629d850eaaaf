"""The order's parties and delivery, read from a payload by a mapping: the ship-to and
bill-to addresses and the shipping method. An address the canonical model refuses (a
country that is not an ISO code, a fourth street line) is a MappingError naming it."""

from typing import Any

from pydantic import ValidationError

from services.storefront_gateway.domain import MappingError, first_error
from services.storefront_gateway.mapping.fields import FieldReader, present
from services.storefront_gateway.mapping.spec import AddressSpec, Field, ShippingMethodSpec
from shared.events.addresses import Address, ShippingMethod

PARTS = ("name", "company", "city", "region", "postal_code", "phone", "email")


def address(
    read: FieldReader, spec: AddressSpec | None, payload: Any, where: str
) -> Address | None:
    if spec is None:
        return None
    country = _text(read, spec.country, payload, f"{where}.country")
    if country is None:
        return None
    parts = {name: _text(read, getattr(spec, name), payload, f"{where}.{name}") for name in PARTS}
    found = read.optional(spec.lines, payload, f"{where}.lines") if spec.lines else None
    street = found if isinstance(found, list) else [found]
    lines = tuple(str(x).strip() for x in street if present(x) and str(x).strip())
    try:
        return Address(country=country.upper(), lines=lines, **parts)
    except ValidationError as exc:
        raise MappingError(f"{where}.{first_error(exc)}") from exc


def shipping_method(
    read: FieldReader, spec: ShippingMethodSpec | None, payload: Any, where: str
) -> ShippingMethod | None:
    if spec is None:
        return None
    parts = {
        name: _text(read, getattr(spec, name), payload, f"{where}.{name}")
        for name in ("code", "title", "carrier")
    }
    if not any(parts.values()):
        return None
    try:
        return ShippingMethod(**parts)
    except ValidationError as exc:
        raise MappingError(f"{where}.{first_error(exc)}") from exc


def _text(read: FieldReader, field: Field | None, payload: Any, where: str) -> str | None:
    found = read.optional(field, payload, where)
    if not present(found):
        return None
    value = " ".join(str(found).split())  # one line: no newline may reach a label or a segment
    return value or None
