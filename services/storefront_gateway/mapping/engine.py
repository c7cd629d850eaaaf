"""Applies a mapping to a payload: the canonical order or cancellation, or a
MappingError naming exactly which field failed and why.

Paths and small expressions are JMESPath; money is converted in Decimal by the engine
(never floats), using the order's currency; `per_unit` money is multiplied by the line's
quantity; `lookup` resolves another system's identifier through the cross-reference
tables. The result is judged by the canonical event's own model (`build_order`).
"""

from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import jmespath

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    MappingError,
    build_order,
    cancellation,
    minor,
)
from services.storefront_gateway.mapping.spec import Field, LinesSpec, MappingSpec, load_mapping
from shared.events.orders import LineKind, OrderLine

Resolve = Callable[[str, str], Awaitable[str | None]]


async def no_tables(table: str, value: str) -> str | None:
    """For mappings without lookups (and dry runs without a database)."""
    return None


class Mapper:
    def __init__(self, spec: MappingSpec, resolve: Resolve = no_tables) -> None:
        self.spec = spec
        self._resolve = resolve

    def kind(self, payload: Any) -> str | None:
        """'order', 'cancellation', or None for a payload this connector ignores."""
        if self.spec.kinds is None:
            return "order"  # a file feed: every document is an order
        found = jmespath.search(self.spec.kinds.path, payload)
        if found in self.spec.kinds.order:
            return "order"
        if found in self.spec.kinds.cancellation:
            return "cancellation"
        return None

    def _kind_of(self, payload: Any) -> Any:
        return jmespath.search(self.spec.kinds.path, payload) if self.spec.kinds else None

    def dedupe_key(self, payload: Any) -> str:
        if self.spec.dedupe is None:
            raise MappingError("dedupe: the mapping does not say what identifies a delivery")
        key = jmespath.search(self.spec.dedupe, payload)
        if key in (None, ""):
            raise MappingError(f"dedupe: {self.spec.dedupe!r} found nothing in the payload")
        return str(key)

    async def map(self, payload: Any, channel: ChannelConfig) -> MappedOrder:
        """`payload` is the webhook, or — where the mapping fetches documents — the
        webhook and its documents (`{"webhook": ..., "order": ...}`)."""
        webhook = (
            payload.get("webhook") if self.spec.fetch and isinstance(payload, dict) else payload
        )
        kind = self.kind(webhook)
        if kind == "cancellation" and self.spec.cancellation is not None:
            ref = _text(_value(self.spec.cancellation.ref, payload, "cancellation.ref"))
            reason = self.spec.cancellation.reason
            why = _value(reason, payload, "cancellation.reason") if reason else None
            return cancellation(channel, ref, str(why) if why is not None else None)
        if kind != "order":
            raise MappingError(f"kind: {self._kind_of(webhook)!r} is not handled")
        return await self._order(payload, channel)

    async def _order(self, payload: Any, channel: ChannelConfig) -> MappedOrder:
        spec = self.spec.order
        currency = _text(_value(spec.currency, payload, "order.currency")).upper()

        def money(field: Field | None, where: str) -> int:
            return _money(field, payload, currency, where) if field else 0

        lines = await self._lines(spec.lines, payload, currency)
        order = ChannelOrder(
            ref=_text(_value(spec.ref, payload, "order.ref")),
            name=_text(_value(spec.name or spec.ref, payload, "order.name")),
            currency=currency,
            lines=lines,
            unmapped=[],
            discount_minor=money(spec.discount, "order.discount"),
            shipping_minor=money(spec.shipping, "order.shipping"),
            tax_minor=money(spec.tax, "order.tax"),
            total_minor=money(spec.total, "order.total"),
            taxes_included=bool(_optional(spec.taxes_included, payload, "order.taxes_included")),
            ship_to_country=_optional(spec.ship_to_country, payload, "order.ship_to_country"),
            customer_email=_optional(spec.customer_email, payload, "order.customer_email"),
            customer_company=_optional(spec.customer_company, payload, "order.customer_company"),
        )
        return build_order(channel, order)

    async def _lines(self, spec: LinesSpec, payload: Any, currency: str) -> list[OrderLine]:
        items = jmespath.search(spec.each, payload)
        if not isinstance(items, list) or not items:
            raise MappingError(f"order.lines: {spec.each!r} found no list of lines")
        lines = []
        for n, item in enumerate(items):
            where = f"order.lines[{n}]"
            quantity = _as_int(
                _value(spec.quantity, item, f"{where}.quantity"), f"{where}.quantity"
            )
            non_stock = bool(_optional(spec.non_stock, item, f"{where}.non_stock"))
            sku = None if non_stock else await self._sku(spec.sku, item, f"{where}.sku")
            lines.append(
                OrderLine(
                    line_ref=_text(_value(spec.ref, item, f"{where}.ref")),
                    kind=LineKind.NON_STOCK if non_stock else LineKind.STOCK,
                    sku=sku,
                    title=_text(_value(spec.title, item, f"{where}.title")),
                    quantity=quantity,
                    gross_minor=_money(spec.gross, item, currency, f"{where}.gross", quantity),
                    discount_minor=_money(
                        spec.discount, item, currency, f"{where}.discount", quantity
                    )
                    if spec.discount
                    else 0,
                    tax_minor=_money(spec.tax, item, currency, f"{where}.tax", quantity)
                    if spec.tax
                    else 0,
                )
            )
        return lines

    async def _sku(self, field: Field, item: Any, where: str) -> str:
        found = _text(_value(field, item, where))
        if field.lookup is None:
            return found
        sku = await self._resolve(field.lookup, found)
        if sku is None:
            raise MappingError(
                f"{where}: unknown {field.lookup} {found!r} (no SKU in the cross-reference)"
            )
        return sku


def _value(field: Field, data: Any, where: str) -> Any:
    found = jmespath.search(field.path, data) if field.path is not None else field.value
    if found is None:
        found = field.default
    if found is None:
        raise MappingError(f"{where}: missing ({field.path!r} found nothing)")
    return _typed(field, found, where)


def _optional(field: Field | None, data: Any, where: str) -> Any:
    if field is None:
        return None
    found = jmespath.search(field.path, data) if field.path is not None else field.value
    found = field.default if found is None else found
    return None if found is None else _typed(field, found, where)


def _typed(field: Field, found: Any, where: str) -> Any:
    if field.type == "int":
        return _as_int(found, where)
    if field.type == "str":
        return _text(found)
    if field.type == "bool":
        return found if isinstance(found, bool) else str(found).lower() in ("true", "1", "yes")
    return found


def _money(field: Field, data: Any, currency: str, where: str, quantity: int = 1) -> int:
    found = _value(field, data, where)
    parts = found if field.sum and isinstance(found, list) else [found]
    amount = 0
    for part in parts:
        if part is None and field.sum:
            continue  # an absent amount adds nothing
        if isinstance(part, bool) or not isinstance(part, str | int | float):
            raise MappingError(f"{where}: {part!r} is not an amount")
        amount += minor(part, currency, where)
    return amount * quantity if field.per_unit else amount


def _as_int(found: Any, where: str) -> int:
    try:
        value = Decimal(str(found))
    except InvalidOperation as exc:
        raise MappingError(f"{where}: {found!r} is not a whole number") from exc
    if value != value.to_integral_value() or isinstance(found, bool):
        raise MappingError(f"{where}: {found!r} is not a whole number")
    return int(value)


def _text(found: Any) -> str:
    return str(found).strip()


def load_mappers(channels: list[ChannelConfig], resolve: Resolve) -> dict[str, Mapper]:
    """Every json channel's mapping, loaded and validated at start-up: a mapping with an
    error stops the gateway with the file and line, before any webhook arrives."""
    return {
        c.id: Mapper(load_mapping(c.mapping).webhook_ready(), resolve)
        for c in channels
        if c.mapping
    }
