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

from pydantic import ValidationError

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    MappingError,
    build_order,
    cancellation,
    fails,
    first_error,
    language_tag,
    settled,
)
from services.storefront_gateway.mapping import parties
from services.storefront_gateway.mapping.fields import (
    FieldReader,
    as_int,
    compiled,
    present,
    text,
)
from services.storefront_gateway.mapping.spec import (
    Field,
    LinesSpec,
    MappingSpec,
)
from shared.events.orders import LineKind, OrderLine, PaymentState, UnmappedLine

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
        self._fields = FieldReader(spec.tables)

    def kind(self, payload: Any) -> str | None:
        """'order', 'cancellation', 'refund', or None for a payload this connector ignores."""
        if self.spec.kinds is None:
            return "order"  # a file feed, a platform's order topic: every document is one
        found = compiled(self.spec.kinds.path)(payload)
        if found in self.spec.kinds.order:
            return "order"
        if found in self.spec.kinds.cancellation:
            return "cancellation"
        if found in self.spec.kinds.refund:
            return "refund"
        return None

    def dedupe_key(self, payload: Any) -> str:
        if self.spec.dedupe is None:
            raise MappingError("dedupe: the mapping does not say what identifies a delivery")
        key = compiled(self.spec.dedupe)(payload)
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
            ref = text(self._fields.value(self.spec.cancellation.ref, payload, "cancellation.ref"))
            reason = self._fields.optional(
                self.spec.cancellation.reason, payload, "cancellation.reason"
            )
            return cancellation(channel, ref, str(reason) if reason is not None else None)
        if kind != "order":
            found = compiled(self.spec.kinds.path)(webhook) if self.spec.kinds else None
            raise MappingError(f"kind: {found!r} is not handled")
        return await self._order(payload, channel)

    def ref(self, payload: Any) -> str:
        """The channel's id of the payload's order."""
        return text(self._fields.value(self.spec.order.ref, payload, "order.ref"))

    def payment(self, payload: Any) -> PaymentState | None:
        """The order's payment state, where the mapping reads one (None: not said)."""
        found = self._fields.optional(self.spec.order.payment, payload, "order.payment")
        if found is None:
            return None
        try:
            return PaymentState(str(found))
        except ValueError as exc:
            raise MappingError(
                f"order.payment: {found!r} is not paid, authorized or pending"
            ) from exc

    async def attempt(
        self, payload: Any, channel: ChannelConfig, kind: str | None = None
    ) -> Callable[[], MappedOrder]:
        """The mapping as the delivery handler takes it: the canonical event, or the
        MappingError that quarantines the delivery with its reason (a value the canonical
        model refuses, wherever in the mapping it showed, is one too: never a 500)."""
        try:
            return settled(await self.map(payload, channel, kind))
        except MappingError as exc:
            return fails(str(exc))
        except ValidationError as exc:
            return fails(first_error(exc))

    async def _order(self, payload: Any, channel: ChannelConfig) -> MappedOrder:
        spec = self.spec.order
        currency = text(self._fields.value(spec.currency, payload, "order.currency")).upper()

        def money(field: Field | None, where: str) -> int:
            return self._fields.money(field, payload, currency, where) if field else 0

        def optional(field: Field | None, where: str) -> Any:
            return read.optional(field, payload, where)

        read = self._fields
        lines, unmapped = await self._all_lines(spec.lines, payload, currency, channel)
        shipping_rate = read.rate(spec.shipping_tax_rate, spec.shipping_tax_fraction, payload)
        order = ChannelOrder(
            ref=text(read.value(spec.ref, payload, "order.ref")),
            name=text(read.value(spec.name or spec.ref, payload, "order.name")),
            currency=currency,
            lines=lines,
            unmapped=unmapped,
            discount_minor=money(spec.discount, "order.discount"),
            shipping_minor=money(spec.shipping, "order.shipping"),
            tax_minor=money(spec.tax, "order.tax"),
            shipping_tax_minor=money(spec.shipping_tax, "order.shipping_tax"),
            shipping_tax_rate=shipping_rate,
            total_minor=money(spec.total, "order.total"),
            taxes_included=bool(optional(spec.taxes_included, "order.taxes_included")),
            **self._parties(payload),
            customer_email=optional(spec.customer_email, "order.customer_email"),
            customer_company=optional(spec.customer_company, "order.customer_company") or None,
            sold_at_location=self._location(spec.sold_at_location, payload, channel),
            customer_note=optional(spec.customer_note, "order.customer_note") or None,
            customer_language=language_tag(optional(spec.customer_language, "order.language")),
            payment=self.payment(payload),
        )
        return build_order(channel, order)

    def _parties(self, payload: Any) -> dict[str, Any]:
        """Where it goes and who pays: ship-to (and its country), bill-to, the method."""
        spec, read = self.spec.order, self._fields
        ship_to = parties.address(read, spec.ship_to, payload, "order.ship_to")
        country = (
            ship_to.country
            if ship_to
            else read.optional(spec.ship_to_country, payload, "order.ship_to_country")
        )
        return {
            "ship_to": ship_to,
            "ship_to_country": country,
            "bill_to": parties.address(read, spec.bill_to, payload, "order.bill_to"),
            "shipping_method": parties.shipping_method(
                read, spec.shipping_method, payload, "order.shipping_method"
            ),
        }

    async def _all_lines(
        self, specs: list[LinesSpec], payload: Any, currency: str, channel: ChannelConfig
    ) -> tuple[list[OrderLine], list[UnmappedLine]]:
        lines: list[OrderLine] = []
        unmapped: list[UnmappedLine] = []
        for n, lines_spec in enumerate(specs):
            where = "order.lines" if n == 0 else f"order.lines#{n + 1}"
            await self._lines(lines_spec, payload, currency, channel, where, lines, unmapped)
        return lines, unmapped

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
        items = compiled(spec.each)(payload)
        if items in (None, []) and at != "order.lines":
            return  # further line lists (fees, say) may be empty
        if not isinstance(items, list) or not items:
            raise MappingError(f"{at}: {spec.each!r} found no list of lines")
        for n, item in enumerate(items):
            line = await self._line(spec, item, n, f"{at}[{n}]", currency, channel)
            if isinstance(line, UnmappedLine):
                unmapped.append(line)
            else:
                lines.append(line)

    async def _line(
        self, spec: LinesSpec, item: Any, n: int, where: str, currency: str, channel: ChannelConfig
    ) -> OrderLine | UnmappedLine:
        """One line, or — when its SKU is unknown and the mapping keeps the rest of the
        order — the line set aside with the reason (a non-stock line needs no SKU)."""
        read = self._fields
        quantity = as_int(read.value(spec.quantity, item, f"{where}.quantity"), f"{where}.quantity")
        non_stock = bool(read.optional(spec.non_stock, item, f"{where}.non_stock"))
        ref = str(n + 1) if spec.ref.position else text(read.value(spec.ref, item, f"{where}.ref"))
        title = text(read.value(spec.title, item, f"{where}.title"))
        gross = read.money(spec.gross, item, currency, f"{where}.gross", quantity)
        try:
            sku: str | None = await self._sku(spec.sku, item, channel, f"{where}.sku")
        except MappingError as exc:
            if not non_stock and spec.unmapped == "quarantine_order":
                raise
            if not non_stock:
                reason = f"line '{title}': {exc}"
                return UnmappedLine(
                    line_ref=ref, title=title, quantity=quantity, gross_minor=gross, reason=reason
                )
            sku = None  # tips, fees, gift cards need no SKU

        def per_line(field: Field | None, name: str) -> int:
            return read.money(field, item, currency, f"{where}.{name}", quantity) if field else 0

        return OrderLine(
            line_ref=ref,
            kind=LineKind.NON_STOCK if non_stock else LineKind.STOCK,
            sku=sku or None,
            title=title,
            quantity=quantity,
            gross_minor=gross,
            discount_minor=per_line(spec.discount, "discount"),
            tax_minor=per_line(spec.tax, "tax"),
            tax_rate=read.rate(spec.tax_rate, spec.tax_fraction, item, f"{where}.tax_rate"),
        )

    async def _sku(self, field: Field, item: Any, channel: ChannelConfig, where: str) -> str:
        found = text(self._fields.value(field, item, where, resolving=True))
        lookup, used = field, field
        if not present(self._fields.raw(field, item)) and field.fallback is not None:
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
        found = self._fields.raw(field, data)
        if not present(found) or found is False:
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
