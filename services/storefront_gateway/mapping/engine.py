"""Applies a mapping to a payload: the canonical order or cancellation, or a
MappingError naming exactly which field failed and why.

Paths and small expressions are JMESPath; money is converted in Decimal by the engine
(never floats), using the order's currency (`per_unit` times the line's quantity, `sum`
over a list, `minus` another amount); `lookup` resolves another system's identifier
through the cross-reference tables (or the channel's own `variant_skus`/`sku_aliases`),
`table` through the mapping's own small tables, `fallback` says where else to look. The
result is judged by the canonical event's own model (`build_order`).
"""

from collections.abc import Awaitable, Callable
from typing import Any

import jmespath

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    MappingError,
    build_order,
    cancellation,
    fails,
    minor,
    settled,
)
from services.storefront_gateway.mapping.spec import (
    Field,
    LinesSpec,
    MappingSpec,
    load_mapping,
)
from shared.bounded import InputRejected, decimal_of
from shared.events.orders import LineKind, OrderLine, UnmappedLine

Resolve = Callable[[str, str], Awaitable[str | None]]
CHANNEL_TABLES = {
    "channel:variant_skus": "variant_skus",
    "channel:sku_aliases": "sku_aliases",
    "channel:pos_locations": "pos_locations",
}


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
            return "order"  # a file feed, a platform's order topic: every document is one
        found = jmespath.search(self.spec.kinds.path, payload)
        if found in self.spec.kinds.order:
            return "order"
        if found in self.spec.kinds.cancellation:
            return "cancellation"
        return None

    def dedupe_key(self, payload: Any) -> str:
        if self.spec.dedupe is None:
            raise MappingError("dedupe: the mapping does not say what identifies a delivery")
        key = jmespath.search(self.spec.dedupe, payload)
        if key in (None, ""):
            raise MappingError(f"dedupe: {self.spec.dedupe!r} found nothing in the payload")
        return str(key)

    async def map(
        self, payload: Any, channel: ChannelConfig, kind: str | None = None
    ) -> MappedOrder:
        """`payload` is the webhook, or — where the mapping fetches documents — the
        webhook and its documents (`{"webhook": ..., "order": ...}`). `kind` is for
        platforms whose topic, not the payload, says what it is."""
        fetched = self.spec.fetch and isinstance(payload, dict)
        webhook = payload.get("webhook") if fetched else payload
        kind = kind or self.kind(webhook)
        if kind == "cancellation" and self.spec.cancellation is not None:
            ref = _text(self._value(self.spec.cancellation.ref, payload, "cancellation.ref"))
            reason = self._optional(self.spec.cancellation.reason, payload, "cancellation.reason")
            return cancellation(channel, ref, str(reason) if reason is not None else None)
        if kind != "order":
            found = jmespath.search(self.spec.kinds.path, webhook) if self.spec.kinds else None
            raise MappingError(f"kind: {found!r} is not handled")
        return await self._order(payload, channel)

    async def attempt(
        self, payload: Any, channel: ChannelConfig, kind: str | None = None
    ) -> Callable[[], MappedOrder]:
        """The mapping as the delivery handler takes it: the canonical event, or the
        MappingError that quarantines the delivery with its reason."""
        try:
            return settled(await self.map(payload, channel, kind))
        except MappingError as exc:
            return fails(str(exc))

    async def _order(self, payload: Any, channel: ChannelConfig) -> MappedOrder:
        spec = self.spec.order
        currency = _text(self._value(spec.currency, payload, "order.currency")).upper()

        def money(field: Field | None, where: str) -> int:
            return self._money(field, payload, currency, where) if field else 0

        def optional(field: Field | None, where: str) -> Any:
            return self._optional(field, payload, where)

        lines: list[OrderLine] = []
        unmapped: list[UnmappedLine] = []
        for n, lines_spec in enumerate(spec.lines):
            where = "order.lines" if n == 0 else f"order.lines#{n + 1}"
            await self._lines(lines_spec, payload, currency, channel, where, lines, unmapped)
        order = ChannelOrder(
            ref=_text(self._value(spec.ref, payload, "order.ref")),
            name=_text(self._value(spec.name or spec.ref, payload, "order.name")),
            currency=currency,
            lines=lines,
            unmapped=unmapped,
            discount_minor=money(spec.discount, "order.discount"),
            shipping_minor=money(spec.shipping, "order.shipping"),
            tax_minor=money(spec.tax, "order.tax"),
            total_minor=money(spec.total, "order.total"),
            taxes_included=bool(optional(spec.taxes_included, "order.taxes_included")),
            ship_to_country=optional(spec.ship_to_country, "order.ship_to_country"),
            customer_email=optional(spec.customer_email, "order.customer_email"),
            customer_company=optional(spec.customer_company, "order.customer_company") or None,
            sold_at_location=self._location(spec.sold_at_location, payload, channel),
        )
        return build_order(channel, order)

    async def _lines(
        self,
        spec: LinesSpec,
        payload: Any,
        currency: str,
        channel: ChannelConfig,
        at: str,
        lines: list[OrderLine],
        unmapped: list[UnmappedLine],
    ) -> None:
        items = jmespath.search(spec.each, payload)
        if items in (None, []) and at != "order.lines":
            return  # further line lists (fees, say) may be empty
        if not isinstance(items, list) or not items:
            raise MappingError(f"{at}: {spec.each!r} found no list of lines")
        for n, item in enumerate(items):
            where = f"{at}[{n}]"
            quantity = _as_int(
                self._value(spec.quantity, item, f"{where}.quantity"), f"{where}.quantity"
            )
            non_stock = bool(self._optional(spec.non_stock, item, f"{where}.non_stock"))
            ref = (
                str(n + 1)
                if spec.ref.position
                else _text(self._value(spec.ref, item, f"{where}.ref"))
            )
            title = _text(self._value(spec.title, item, f"{where}.title"))
            gross = self._money(spec.gross, item, currency, f"{where}.gross", quantity)
            try:
                sku: str | None = await self._sku(spec.sku, item, channel, f"{where}.sku")
            except MappingError as exc:
                if non_stock:
                    sku = None  # tips, fees, gift cards need no SKU
                elif spec.unmapped == "quarantine_order":
                    raise
                else:
                    unmapped.append(
                        UnmappedLine(
                            line_ref=ref,
                            title=title,
                            quantity=quantity,
                            gross_minor=gross,
                            reason=str(exc),
                        )
                    )
                    continue
            discount = (
                self._money(spec.discount, item, currency, f"{where}.discount", quantity)
                if spec.discount
                else 0
            )
            tax = self._money(spec.tax, item, currency, f"{where}.tax", quantity) if spec.tax else 0
            lines.append(
                OrderLine(
                    line_ref=ref,
                    kind=LineKind.NON_STOCK if non_stock else LineKind.STOCK,
                    sku=sku or None,
                    title=title,
                    quantity=quantity,
                    gross_minor=gross,
                    discount_minor=discount,
                    tax_minor=tax,
                )
            )

    async def _sku(self, field: Field, item: Any, channel: ChannelConfig, where: str) -> str:
        found = _text(self._value(field, item, where, resolving=True))
        lookup, used = field, field
        if not _found(self._raw(field, item)) and field.fallback is not None:
            used = field.fallback
        lookup = used
        if lookup.lookup is None:
            return found
        if lookup.lookup in CHANNEL_TABLES:
            sku = getattr(channel, CHANNEL_TABLES[lookup.lookup]).get(found)
        else:
            sku = await self._resolve(lookup.lookup, found)
        if sku is not None:
            return str(sku)
        if lookup.keep_unknown:
            return found
        raise MappingError(
            f"{where}: unknown {lookup.lookup} {found!r} (no SKU in the cross-reference)"
        )

    def _location(self, field: Field | None, data: Any, channel: ChannelConfig) -> str | None:
        """Where a counter sale happened, through a table (the channel's own, or the
        mapping's); None when the order is not one."""
        if field is None:
            return None
        found = self._raw(field, data)
        if not _found(found) or found is False:
            return None
        name = field.table or field.lookup or ""
        table = (
            getattr(channel, CHANNEL_TABLES[name])
            if name in CHANNEL_TABLES
            else self.spec.tables.get(name, {})
        )
        located = table.get(str(found))
        if located is None and field.required:
            raise MappingError(f"order.sold_at_location: {found!r} is not mapped to a location")
        return str(located) if located is not None else None

    def _raw(self, field: Field, data: Any) -> Any:
        return jmespath.search(field.path, data) if field.path is not None else field.value

    def _value(self, field: Field, data: Any, where: str, resolving: bool = False) -> Any:
        found = self._raw(field, data)
        if not _found(found) and field.fallback is not None:
            return self._value(field.fallback, data, where, resolving)
        if found is None:
            found = field.default
        if found is None:
            raise MappingError(f"{where}: missing ({field.path!r} found nothing)")
        if field.table is not None and not resolving:
            table = self.spec.tables.get(field.table, {})
            found = table.get(str(found))
            if found is None:
                raise MappingError(
                    f"{where}: {self._raw(field, data)!r} is not in table {field.table}"
                )
        return _typed(field, found, where)

    def _optional(self, field: Field | None, data: Any, where: str) -> Any:
        if field is None:
            return None
        found = self._raw(field, data)
        if not _found(found) and field.fallback is not None:
            return self._optional(field.fallback, data, where)
        found = field.default if found is None else found
        if found is None or found is False:
            return None if found is None else _typed(field, found, where)
        if field.table is not None:
            found = self.spec.tables.get(field.table, {}).get(str(found))
            return found
        return _typed(field, found, where)

    def _money(self, field: Field, data: Any, currency: str, where: str, quantity: int = 1) -> int:
        found = self._value(field, data, where)
        parts = found if field.sum and isinstance(found, list) else [found]
        amount = 0
        for part in parts:
            if part is None and field.sum:
                continue  # an absent amount adds nothing
            if isinstance(part, bool) or not isinstance(part, str | int | float):
                raise MappingError(f"{where}: {part!r} is not an amount")
            amount += _as_int(part, where) if field.minor_units else minor(part, currency, where)
        if field.minus is not None:
            amount -= self._money(field.minus, data, currency, where)
        return amount * quantity if field.per_unit else amount


def _found(value: Any) -> bool:
    return value not in (None, "", [])


def _typed(field: Field, found: Any, where: str) -> Any:
    if field.type == "int":
        return _as_int(found, where)
    if field.type == "str":
        return _text(found)
    if field.type == "bool":
        return found if isinstance(found, bool) else str(found).lower() in ("true", "1", "yes")
    return found


def _as_int(found: Any, where: str) -> int:
    try:
        value = decimal_of(found)
    except InputRejected as exc:
        raise MappingError(f"{where}: {found!r} is not a whole number") from exc
    if value != value.to_integral_value() or isinstance(found, bool):
        raise MappingError(f"{where}: {found!r} is not a whole number")
    return int(value)


def _text(found: Any) -> str:
    return str(found).strip()


def load_mappers(channels: list[ChannelConfig], resolve: Resolve) -> dict[str, Mapper]:
    """Every channel's mapping file, loaded and validated at start-up: a mapping with an
    error stops the gateway with the file and line, before any webhook arrives. A json
    channel's mapping must also say how its webhooks are authenticated and told apart."""
    mappers = {}
    for channel in channels:
        if channel.mapping is None:
            continue
        spec = load_mapping(channel.mapping)
        mappers[channel.id] = Mapper(
            spec.webhook_ready() if channel.platform.value == "json" else spec, resolve
        )
    return mappers
