"""One field of a mapping, read from a payload: its path (JMESPath) or constant, the
fallback, the default, the mapping's small tables, the type, and money converted in
Decimal in the order's currency (never floats). Failures name the field and say why."""

from typing import Any

import jmespath

from services.storefront_gateway.domain import MappingError, minor
from services.storefront_gateway.mapping.spec import Field
from shared.bounded import InputRejected, decimal_of


class FieldReader:
    def __init__(self, tables: dict[str, dict[str, Any]]) -> None:
        self.tables = tables

    def raw(self, field: Field, data: Any) -> Any:
        return jmespath.search(field.path, data) if field.path is not None else field.value

    def value(self, field: Field, data: Any, where: str, resolving: bool = False) -> Any:
        found = self.raw(field, data)
        if not present(found) and field.fallback is not None:
            return self.value(field.fallback, data, where, resolving)
        if found is None:
            found = field.default
        if found is None:
            raise MappingError(f"{where}: missing ({field.path!r} found nothing)")
        if field.table is not None and not resolving:
            table = self.tables.get(field.table, {})
            found = table.get(str(found))
            if found is None:
                raise MappingError(
                    f"{where}: {self.raw(field, data)!r} is not in table {field.table}"
                )
        return typed(field, found, where)

    def optional(self, field: Field | None, data: Any, where: str) -> Any:
        if field is None:
            return None
        found = self.raw(field, data)
        if not present(found) and field.fallback is not None:
            return self.optional(field.fallback, data, where)
        found = field.default if found is None else found
        if found is None or found is False:
            return None if found is None else typed(field, found, where)
        if field.table is not None:
            found = self.tables.get(field.table, {}).get(str(found))
            return found
        return typed(field, found, where)

    def money(self, field: Field, data: Any, currency: str, where: str, quantity: int = 1) -> int:
        found = self.value(field, data, where)
        parts = found if field.sum and isinstance(found, list) else [found]
        amount = 0
        for part in parts:
            if part is None and field.sum:
                continue  # an absent amount adds nothing
            if isinstance(part, bool) or not isinstance(part, str | int | float):
                raise MappingError(f"{where}: {part!r} is not an amount")
            amount += as_int(part, where) if field.minor_units else minor(part, currency, where)
        if field.minus is not None:
            amount -= self.money(field.minus, data, currency, where)
        return amount * quantity if field.per_unit else amount


def present(value: Any) -> bool:
    return value not in (None, "", [])


def typed(field: Field, found: Any, where: str) -> Any:
    if field.type == "int":
        return as_int(found, where)
    if field.type == "str":
        return text(found)
    if field.type == "bool":
        return found if isinstance(found, bool) else str(found).lower() in ("true", "1", "yes")
    return found


def as_int(found: Any, where: str) -> int:
    try:
        value = decimal_of(found)
    except InputRejected as exc:
        raise MappingError(f"{where}: {found!r} is not a whole number") from exc
    if value != value.to_integral_value() or isinstance(found, bool):
        raise MappingError(f"{where}: {found!r} is not a whole number")
    return int(value)


def text(found: Any) -> str:
    return str(found).strip()
