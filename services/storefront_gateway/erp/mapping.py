"""ERP records -> canonical catalog and customer events. Pure; a record that cannot be
mapped raises ErpRecordError with the field and the reason (it is set aside, never
guessed)."""

from datetime import datetime
from typing import Any, TypeVar
from uuid import uuid4

from pydantic import ValidationError

from shared.events.catalog import CustomerChanged, NegotiatedPrice, PriceScheduled, ProductChanged
from shared.events.money import MoneyError, to_minor_units

E = TypeVar("E", ProductChanged, PriceScheduled, CustomerChanged)


class ErpRecordError(ValueError):
    """An ERP record that cannot become a canonical event."""


def _minor(value: Any, currency: str, field: str) -> int:
    try:
        return to_minor_units(value, currency)
    except MoneyError as exc:
        raise ErpRecordError(f"{field}: {exc}") from exc


def _when(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ErpRecordError(f"{field}: {value!r} is not an ISO 8601 time") from exc


def _validated(build: type[E], **fields: Any) -> E:
    try:
        return build(correlation_id=uuid4(), **fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ErpRecordError(f"{where}: {error['msg']}") from exc


def product(item: dict[str, Any]) -> ProductChanged:
    weight = item.get("weight_grams")
    return _validated(
        ProductChanged,
        sku=item.get("sku"),
        product_code=item.get("product_code") or item.get("sku"),
        title=item.get("title"),
        description=item.get("description") or "",
        barcode=item.get("barcode") or None,
        weight_grams=int(weight) if weight is not None else None,
        options=item.get("options") or {},
        revision=item["revision"],
    )


def price(item: dict[str, Any]) -> PriceScheduled:
    currency = str(item.get("currency") or "")
    compare_at = item.get("compare_at")
    return _validated(
        PriceScheduled,
        price_id=str(item.get("id")),
        sku=item.get("sku"),
        currency=currency,
        amount_minor=_minor(item.get("amount"), currency, "amount"),
        compare_at_minor=_minor(compare_at, currency, "compare_at") if compare_at else None,
        starts_at=_when(item.get("starts_at"), "starts_at"),
        ends_at=_when(item.get("ends_at"), "ends_at"),
        revision=item["revision"],
    )


def customer(item: dict[str, Any]) -> CustomerChanged:
    currency = str(item.get("currency") or "")
    limit = item.get("credit_limit")
    prices = [
        NegotiatedPrice(sku=p["sku"], amount_minor=_minor(p["price"], currency, "price_list"))
        for p in item.get("price_list") or []
    ]
    return _validated(
        CustomerChanged,
        customer_id=item.get("number"),
        email=(item.get("email") or "").strip().lower() or None,
        name=item.get("name"),
        company=item.get("company"),
        currency=currency,
        credit_limit_minor=_minor(limit, currency, "credit_limit") if limit is not None else None,
        balance_minor=_minor(item.get("balance") or "0", currency, "balance"),
        balance_as_of=_when(item.get("balance_as_of"), "balance_as_of"),
        price_list=tuple(prices),
        revision=item["revision"],
    )
