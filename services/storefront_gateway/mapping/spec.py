"""The mapping file: what a connector's payload means, field by field.

A field is a JMESPath expression (a plain string), or a table::

    total: {path: "payment.total", money: true}          # decimal -> minor units
    discount: {path: "[coupon, markdown]", money: true, sum: true}   # added up
    gross: {path: "unit_price", money: true, per_unit: true}   # times the line's quantity
    sku:   {path: "item_no", lookup: item_number}        # another system's id -> SKU
    currency: {path: "currency", default: "USD"}
    taxes_included: {value: true}                        # a constant

Loading refuses unknown keys, missing required targets, wrong types and expressions that
do not compile, each with the file and line.
"""

from pathlib import Path
from typing import Any, Literal, Self

import jmespath
import yaml
from jmespath.exceptions import ParseError
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from services.storefront_gateway.mapping.yaml_lines import line_of, load_with_lines
from shared.bounded import InputRejected


class MappingFileError(ValueError):
    """A mapping file that cannot be used; the message names the file and line."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiled(expression: str) -> str:
    try:
        jmespath.compile(expression)
    except ParseError as exc:
        raise ValueError(f"not a JMESPath expression: {expression!r} ({exc.msg})") from exc
    return expression


class Field(_Spec):
    path: str | None = None
    value: Any = None
    default: Any = None
    money: bool = False
    per_unit: bool = False
    sum: bool = False  # money: the path gives a list of amounts, added up exactly
    type: Literal["str", "int", "bool"] | None = None
    lookup: str | None = None  # a cross-reference system, or channel:variant_skus / sku_aliases
    keep_unknown: bool = False  # with lookup: a value the table does not know is kept as is
    table: str | None = None  # one of the mapping's own `tables`
    fallback: "Field | None" = None  # used when the path finds nothing (or an empty string)
    minus: "Field | None" = None  # money: this amount minus that one
    minor_units: bool = False  # money already in minor units (an integer: 1999 for 19.99)
    position: bool = False  # a line's position (1, 2, ...), for payloads without line ids
    required: bool = False  # with table: a value the table does not know is an error

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        return _compiled(value) if value is not None else None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _source(self) -> Self:
        if self.path is None and self.value is None and self.default is None and not self.position:
            raise ValueError("a field needs a path, a value or a default")
        if (self.per_unit or self.sum or self.minor_units) and not self.money:
            raise ValueError("per_unit, sum and minor_units apply to money fields only")
        return self


class LinesSpec(_Spec):
    each: str
    ref: Field
    sku: Field
    title: Field
    quantity: Field
    gross: Field
    discount: Field | None = None
    tax: Field | None = None
    # The line's one tax rate: in percent (19), or as a fraction (0.19, Shopify's `rate`).
    tax_rate: Field | None = None
    tax_fraction: Field | None = None
    non_stock: Field | None = None  # true for tips, fees, gift cards: never reserved
    # An unknown SKU quarantines the whole order, or only its line (the rest flows on).
    unmapped: Literal["quarantine_order", "quarantine_line"] = "quarantine_order"

    _each = field_validator("each")(_compiled)


class AddressSpec(_Spec):
    """A party's postal address, part by part; `lines` gives the street lines as a list
    (a JMESPath multi-select: `[address1, address2]`), empty ones dropped. No country
    found: no address."""

    name: Field | None = None
    company: Field | None = None
    lines: Field | None = None
    city: Field | None = None
    region: Field | None = None
    postal_code: Field | None = None
    country: Field
    phone: Field | None = None
    email: Field | None = None


class ShippingMethodSpec(_Spec):
    code: Field | None = None
    title: Field | None = None
    carrier: Field | None = None


class OrderSpec(_Spec):
    ref: Field
    name: Field | None = None
    currency: Field
    total: Field
    shipping: Field | None = None
    tax: Field | None = None
    shipping_tax: Field | None = None  # of `tax`, the shipping's
    shipping_tax_rate: Field | None = None  # in percent
    shipping_tax_fraction: Field | None = None  # as a fraction
    discount: Field | None = None
    taxes_included: Field | None = None
    ship_to_country: Field | None = None
    customer_email: Field | None = None
    customer_company: Field | None = None
    sold_at_location: Field | None = None  # a counter sale at this Crossdock location
    ship_to: AddressSpec | None = None
    bill_to: AddressSpec | None = None
    shipping_method: ShippingMethodSpec | None = None
    customer_note: Field | None = None
    customer_language: Field | None = None  # a language tag: en, fr-FR
    payment: Field | None = None  # paid, authorized or pending (a table maps the channel's)
    lines: list[LinesSpec]  # one list of lines, or several (items, then fees...)

    @field_validator("lines", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class CancellationSpec(_Spec):
    ref: Field
    reason: Field | None = None


class KindsSpec(_Spec):
    path: str
    order: tuple[str, ...]
    cancellation: tuple[str, ...] = ()
    # The payload says the order was refunded: the refunds are read from the platform's
    # API by its connector (BigCommerce), each taken once by its id.
    refund: tuple[str, ...] = ()

    _path = field_validator("path")(_compiled)


class AuthSpec(_Spec):
    """How the sender proves itself: an HMAC-SHA256 of the raw body (hex or base64) in
    `header`, or (`token`) the channel's secret as the header's value, as platforms that
    let you add a header to their webhooks do. The account is named by a header or by a
    path into the payload, and must be the channel's `shop`."""

    header: str
    encoding: Literal["hex", "base64", "token"] = "hex"
    account_header: str | None = None
    account_path: str | None = None

    @field_validator("account_path")
    @classmethod
    def _account_path(cls, value: str | None) -> str | None:
        return _compiled(value) if value is not None else None


class FetchSpec(_Spec):
    """A thin webhook names a resource; its documents are fetched from the channel's own
    API (its configured `api_url`, never a host the payload names) with its API token.
    The mapping's order fields then read `{"webhook": ..., <document>: ...}`."""

    token_header: str
    params: dict[str, str]
    documents: dict[str, str]

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, str]) -> dict[str, str]:
        return {name: _compiled(path) for name, path in value.items()}


class MappingSpec(_Spec):
    connector: str
    description: str = ""
    auth: AuthSpec | None = None  # webhooks: required (a file feed has none)
    dedupe: str | None = None
    kinds: KindsSpec | None = None
    order: OrderSpec
    cancellation: CancellationSpec | None = None
    fetch: FetchSpec | None = None
    tables: dict[str, dict[str, str]] = {}

    @field_validator("dedupe")
    @classmethod
    def _dedupe(cls, value: str | None) -> str | None:
        return _compiled(value) if value is not None else None

    def webhook_ready(self) -> Self:
        """A webhook's mapping must say how the sender proves itself, what identifies a
        delivery and which payloads are which."""
        missing = [k for k in ("auth", "dedupe", "kinds") if getattr(self, k) is None]
        if missing:
            raise MappingFileError(
                f"{self.connector}: a webhook mapping needs {', '.join(missing)}"
            )
        return self


def load_mapping(path: Path) -> MappingSpec:
    try:
        text = path.read_text()
    except OSError as exc:
        raise MappingFileError(f"{path}: {exc}") from exc
    return parse_mapping(text, str(path))


def parse_mapping(text: str, name: str) -> MappingSpec:
    """`name` is what errors call the file (its path, or where the text came from)."""
    try:
        raw, lines = load_with_lines(text)
    except (yaml.YAMLError, InputRejected) as exc:
        raise MappingFileError(f"{name}: {exc}") from exc
    try:
        return MappingSpec.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{name}:{_line(lines, tuple(e['loc']))}: {'.'.join(str(p) for p in e['loc'])}:"
            f" {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise MappingFileError("\n".join(problems)) from exc


def _line(lines: dict[Any, int], loc: tuple[Any, ...]) -> int:
    """A single `lines:` mapping is validated as a one-item list: its errors say `lines.0`,
    the file does not."""
    if loc in lines:
        return lines[loc]
    return line_of(lines, tuple(p for p in loc if not (isinstance(p, int) and p == 0)) or loc)
