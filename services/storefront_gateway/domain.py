"""Pure mapping rules shared by every platform: identity, SKUs, reconciliation."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shared.events.money import MoneyError, to_minor_units
from shared.events.orders import OrderPlaced

# Stable order ids: the same channel order always maps to the same Crossdock order.
_ORDER_NAMESPACE = uuid.UUID("6f1c7a52-3b8e-4f0e-9d0a-2c4b8e5f7a10")


def order_id_for(channel: str, channel_order_ref: str) -> uuid.UUID:
    return uuid.uuid5(_ORDER_NAMESPACE, f"{channel}:{channel_order_ref}")


class MappingError(ValueError):
    """The delivery is authentic and well-formed, but cannot become a canonical order."""


@dataclass(frozen=True)
class MappedOrder:
    event: OrderPlaced


def minor(amount: str | int | float, currency: str, what: str) -> int:
    try:
        return to_minor_units(amount, currency)
    except MoneyError as exc:
        raise MappingError(f"{what}: {exc}") from exc


def build_order(make: Callable[[], OrderPlaced]) -> MappedOrder:
    """Run the canonical model's validation (totals reconcile, currency, lines)."""
    try:
        return MappedOrder(event=make())
    except ValidationError as exc:
        raise MappingError(_first_error(exc)) from exc


def _first_error(exc: ValidationError) -> str:
    error: dict[str, Any] = dict(exc.errors()[0])
    where = ".".join(str(p) for p in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def unmapped_reason(title: str, sku: str | None, variant_id: str | None) -> str:
    if variant_id is None:
        return f"line '{title}' has no SKU and no variant id"
    return f"line '{title}' has no SKU and variant {variant_id} is not in the channel's SKU table"
