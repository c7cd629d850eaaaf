"""One field of a mapping, read from a payload: its path (JMESPath) or constant, the
fallback, the default, the mapping's small tables, the type, and money converted in
Decimal in the order's currency (never floats). Failures name the field and say why."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import jmespath

from services.storefront_gateway.domain import MappingError, minor
from services.storefront_gateway.mapping.spec import Field
from shared.bounded import InputRejected, decimal_of

DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
Search = Callable[[Any], Any]


def _dotted(keys: list[str]) -> Search:
    """`a.b.c` as JMESPath reads it (a key of a non-object is null), without walking an
    expression tree: most of a mapping's paths are plain keys, read on every order."""

    def search(data: Any) -> Any:
        for key in keys:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
        return data

    return search


def _either(options: list[Search]) -> Search:
    """`a || b`: the first that is not false as JMESPath counts it (null, "", [], {},
    false; 0 is true)."""

    def search(data: Any) -> Any:
        found = None
        for option in options:
            found = option(data)
            if not (found is None or found is False or found in ("", [], {})):
                return found
        return found

    return search


def _listed(items: list[Search]) -> Search:
    """`[a, b]`: each read, in a list (null when the data is null, as JMESPath says)."""

    def search(data: Any) -> Any:
        return None if data is None else [item(data) for item in items]

    return search


def _plain(path: str) -> Search | None:
    """The reader of a plain path — dotted keys, `||` between them, or a list of them —
    or None for anything else (which JMESPath itself reads)."""
    if path.startswith("[") and path.endswith("]"):
        parts = [_plain(part.strip()) for part in path[1:-1].split(",")]
        return _listed(parts) if all(parts) else None  # type: ignore[arg-type]
    options = [option.strip() for option in path.split("||")]
    if not all(DOTTED.fullmatch(option) for option in options):
        return None
    readers = [_dotted(option.split(".")) for option in options]
    return readers[0] if len(readers) == 1 else _either(readers)


def compiled(path: str) -> Search:
    """A path's reader, built once per path (paths come from mapping files: few)."""
    found = _COMPILED.get(path)
    if found is None:
        found = _plain(path) or jmespath.compile(path).search
        _COMPILED[path] = found
    return found


_COMPILED: dict[str, Search] = {}


class FieldReader:
    def __init__(self, tables: dict[str, dict[str, Any]]) -> None:
        self.tables = tables

    def raw(self, field: Field, data: Any) -> Any:
        return compiled(field.path)(data) if field.path is not None else field.value

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

    def rate(
        self,
        percent: Field | None,
        fraction: Field | None,
        data: Any,
        where: str = "order.shipping_tax_rate",
    ) -> str | None:
        """A tax rate as percent text ("19", "7.7"), read in percent or as a fraction
        (0.19); None where the channel gives none."""
        found, scale = (percent, 1) if percent is not None else (fraction, 100)
        value = self.optional(found, data, where) if found is not None else None
        if value is None or value == "":
            return None
        try:
            rate = Decimal(str(value)) * scale
        except ArithmeticError as exc:
            raise MappingError(f"{where}: {value!r} is not a tax rate") from exc
        if not rate.is_finite() or rate < 0 or rate >= 1000:
            raise MappingError(f"{where}: {value!r} is not a tax rate")
        return format(rate.quantize(Decimal("0.0001")).normalize(), "f")


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
