"""Pure mapping rules shared by every platform: identity, SKUs, reconciliation."""

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from services.storefront_gateway.channels import ChannelConfig
from shared.events.addresses import Address, ShippingMethod
from shared.events.money import MoneyError, to_minor_units
from shared.events.orders import (
    OrderAmended,
    OrderCancellationRequested,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    OrderTotals,
    PaymentState,
    UnmappedLine,
)
from shared.events.returns import RefundIssued, RefundLine
from shared.requests import correlation_id

ChannelEvent = OrderPlaced | OrderPaid | OrderAmended | OrderCancellationRequested | RefundIssued


def keyed_order_id(key: bytes, channel: str, channel_order_ref: str) -> uuid.UUID:
    """Stable and unguessable: the same channel order always maps to the same Crossdock
    order, but without the hub's key nobody can derive an order's id from its number."""
    mac = hmac.new(key, f"{channel}:{channel_order_ref}".encode(), hashlib.sha256).digest()
    return uuid.UUID(bytes=mac[:16], version=4)


def order_id_for(channel: ChannelConfig, channel_order_ref: str) -> uuid.UUID:
    return keyed_order_id(channel.order_id_key(), channel.id, channel_order_ref)


def effect_of(event: "ChannelEvent") -> str:
    """What a delivery is about, as the one effect it may have: the order, its
    cancellation, or one refund of it (by the platform's refund id). No header a sender
    controls enters it, so no replay under a fresh delivery id can have it twice."""
    if isinstance(event, RefundIssued):
        return f"refund:{event.order_id}:{event.refund_ref}"
    if isinstance(event, OrderCancellationRequested):
        return f"cancellation:{event.order_id}"
    if isinstance(event, OrderPaid):
        return f"paid:{event.order_id}"
    if isinstance(event, OrderAmended):
        # The same change at the same moment is one effect; the same content again
        # later (changed back, say) is another.
        when = event.amended_at.isoformat() if event.amended_at else ""
        return f"amended:{event.order_id}:{amendment_digest(event)}:{when}"
    return f"order:{event.order_id}"


# What an amendment may change besides the lines and totals.
AMENDED_FIELDS = ("ship_to", "bill_to", "shipping_method", "customer_note", "ship_to_country")


def amendment_digest(order: OrderPlaced | OrderAmended) -> str:
    """What an amendment may change, as one value: equal digests, nothing changed."""
    carried = {name: getattr(order, name) for name in AMENDED_FIELDS}
    lines = sorted(
        (line.line_ref, str(line.sku), line.quantity, line.gross_minor) for line in order.lines
    )
    basis = {
        "carried": {name: _plain(value) for name, value in carried.items()},
        "lines": lines,
        "totals": order.totals.model_dump(mode="json"),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


class MappingError(ValueError):
    """The delivery is authentic and well-formed, but cannot become a canonical order."""


@dataclass(frozen=True)
class MappedOrder:
    event: "ChannelEvent"


def settled(mapped: MappedOrder) -> Callable[[], MappedOrder]:
    """A mapping already done, as the delivery handler takes it."""
    return lambda: mapped


def fails(reason: str) -> Callable[[], MappedOrder]:
    """A mapping that failed: the delivery is quarantined with this reason."""

    def mapper() -> MappedOrder:
        raise MappingError(reason)

    return mapper


@dataclass(frozen=True)
class RefundData:
    ref: str
    order_ref: str
    currency: str
    lines: list[RefundLine]
    shipping_minor: int
    shipping_tax_minor: int
    total_minor: int


def build_refund(channel: ChannelConfig, refund: RefundData) -> MappedOrder:
    """The canonical refund, validated: it must add up to what was paid back."""
    try:
        event = RefundIssued(
            correlation_id=correlation_id(),
            order_id=order_id_for(channel, refund.order_ref),
            channel=channel.id,
            channel_order_ref=refund.order_ref,
            refund_ref=refund.ref,
            currency=refund.currency,
            lines=tuple(refund.lines),
            shipping_minor=refund.shipping_minor,
            shipping_tax_minor=refund.shipping_tax_minor,
            total_minor=refund.total_minor,
        )
    except ValidationError as exc:
        raise MappingError(first_error(exc)) from exc
    return MappedOrder(event=event)


def cancellation(channel: ChannelConfig, ref: str, reason: str | None) -> MappedOrder:
    return MappedOrder(
        OrderCancellationRequested(
            correlation_id=correlation_id(),
            order_id=order_id_for(channel, ref),
            channel=channel.id,
            channel_order_ref=ref,
            reason=reason,
        )
    )


@dataclass(frozen=True)
class ChannelOrder:
    """What every platform's mapping extracts, before the canonical model judges it."""

    ref: str
    name: str
    currency: str
    lines: list[OrderLine]
    unmapped: list[UnmappedLine]
    discount_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    taxes_included: bool
    ship_to_country: str | None
    customer_email: str | None = None
    customer_company: str | None = None
    sold_at_location: str | None = None
    ship_to: Address | None = None
    bill_to: Address | None = None
    shipping_method: ShippingMethod | None = None
    customer_note: str | None = None
    customer_language: str | None = None
    payment: PaymentState | None = None
    requested_ship_date: date | None = None
    requested_delivery_date: date | None = None
    payment_terms: str | None = None
    shipping_tax_minor: int = 0
    shipping_tax_rate: str | None = None


LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def language_tag(value: Any) -> str | None:
    """A channel's locale as a language tag (`fr-FR`, `pt_BR` -> `pt-BR`); anything else
    is no language at all — never a reason to refuse the order."""
    if not isinstance(value, str):
        return None
    primary, _, region = value.strip().replace("_", "-").partition("-")
    tag = primary.lower() + (f"-{region}" if region else "")
    return tag if LANGUAGE_TAG.match(tag) and len(tag) <= 35 else None


def minor(amount: str | int | float, currency: str, what: str) -> int:
    try:
        return to_minor_units(amount, currency)
    except MoneyError as exc:
        raise MappingError(f"{what}: {exc}") from exc


# What the canonical order carries as the channel gave it (the mapping read it).
CARRIED = (
    "ship_to_country",
    "customer_email",
    "customer_company",
    "sold_at_location",
    "ship_to",
    "bill_to",
    "shipping_method",
    "customer_note",
    "customer_language",
    "payment",
    "requested_ship_date",
    "requested_delivery_date",
    "payment_terms",
)


def build_order(channel: ChannelConfig, order: ChannelOrder) -> MappedOrder:
    """The canonical order, validated: totals reconcile, currency, lines."""
    try:
        totals = OrderTotals(
            items_minor=sum(x.gross_minor for x in order.lines)
            + sum(u.gross_minor for u in order.unmapped),
            discount_minor=order.discount_minor,
            shipping_minor=order.shipping_minor,
            tax_minor=order.tax_minor,
            total_minor=order.total_minor,
            taxes_included=order.taxes_included,
            shipping_tax_minor=order.shipping_tax_minor,
            shipping_tax_rate=order.shipping_tax_rate,
        )
        event = OrderPlaced(
            correlation_id=correlation_id(),
            order_id=order_id_for(channel, order.ref),
            channel=channel.id,
            channel_order_ref=order.ref,
            channel_order_name=order.name,
            currency=order.currency,
            lines=tuple(order.lines),
            unmapped_lines=tuple(order.unmapped),
            hold_until_mapped=channel.hold_until_mapped,
            split_shipments_allowed=channel.allow_split_shipments,
            backorder_when_short=channel.backorder_when_short,
            totals=totals,
            **{name: getattr(order, name) for name in CARRIED},
            awaiting_payment=order.payment is not None
            and order.payment not in channel.route_on_payment,
        )
    except ValidationError as exc:
        raise MappingError(first_error(exc)) from exc
    return MappedOrder(event=event)


def first_error(exc: ValidationError) -> str:
    error: dict[str, Any] = dict(exc.errors()[0])
    where = ".".join(str(p) for p in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def unmapped_reason(title: str, sku: str | None, variant_id: str | None) -> str:
    if variant_id is None:
        return f"line '{title}' has no SKU and no variant id"
    return f"line '{title}' has no SKU and variant {variant_id} is not in the channel's SKU table"
