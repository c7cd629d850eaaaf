"""The channel changed an order it had sent: OrderAmended, once per change, in order.

Shopify sends `orders/updated` on every change to an order, `orders/edited` included
("orders/updated fires whenever the order is updated at all, including when an
orders/edited webhook is triggered": Shopify's orders team, community.shopify.com,
"Difference between the orders/updated and orders/edited webhooks"); its payload is the
whole order, an edited line showing its `current_quantity` (REST Admin API 2024-01,
changelog "Addition of LineItem current_quantity"). WooCommerce sends `order.updated`
with the whole order. Either is mapped as an order and becomes an amendment only when
what the hub carries changed (ship-to, bill-to, shipping method, note, lines, totals),
judged against the last state taken: our own fulfilments and tags update the order too,
and those change nothing here. Webhooks come in no promised order, so one older than
the last amendment taken (the channel's modification time) is not applied over it.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    AMENDED_FIELDS,
    MappedOrder,
    MappingError,
    amendment_digest,
    fails,
    first_error,
    settled,
)
from services.storefront_gateway.mapping.engine import Mapper
from shared.events.orders import OrderAmended, OrderPlaced

TOPIC_SUFFIX = "+amendment"  # the kept delivery's topic: replayed as an amendment


async def mapping(
    mapper: Mapper, channel: ChannelConfig, payload: Any
) -> Callable[[], MappedOrder]:
    """The payload's order as an OrderAmended (or the reason it cannot be one)."""
    try:
        placed = (await mapper.map(payload, channel, "order")).event
        if not isinstance(placed, OrderPlaced):
            raise MappingError("the update did not map to an order")
        return settled(MappedOrder(amendment_of(placed, amended_at(payload))))
    except MappingError as exc:
        return fails(f"amended order: {exc}")
    except ValidationError as exc:
        return fails(f"amended order: {first_error(exc)}")


def amendment_of(placed: OrderPlaced, when: datetime | None) -> OrderAmended:
    return OrderAmended(
        correlation_id=placed.correlation_id,
        order_id=placed.order_id,
        channel=placed.channel,
        channel_order_ref=placed.channel_order_ref,
        amended_at=when,
        lines=placed.lines,
        unmapped_refs=tuple(u.line_ref for u in placed.unmapped_lines),
        totals=placed.totals,
        **{name: getattr(placed, name) for name in AMENDED_FIELDS},
    )


def amended_at(payload: Any) -> datetime | None:
    """Shopify's `updated_at` (with its offset), WooCommerce's `date_modified_gmt` (UTC)."""
    if not isinstance(payload, dict):
        return None
    raw = payload.get("updated_at") or payload.get("date_modified_gmt")
    try:
        when = datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


async def refusal(conn: asyncpg.Connection, amendment: OrderAmended) -> tuple[str, str] | None:
    """(status, reason) when the amendment is not to be published; else it is taken:
    the order's last known state moves to it (the row stays locked until commit)."""
    row = await conn.fetchrow(
        "SELECT amendable_digest, amended_at FROM channel_orders WHERE order_id = $1 FOR UPDATE",
        amendment.order_id,
    )
    if row is None:
        # Placed before the channel was connected, or not in yet: its own delivery (or
        # the order reconciliation, which reads the order as it is now) brings it.
        return "ignored", f"order {amendment.channel_order_ref} is not one the hub has taken in"
    unknown = await _newly_unmapped(conn, amendment)
    if unknown:
        return "quarantined", f"amended order has lines the hub cannot map: {', '.join(unknown)}"
    new = amendment_digest(amendment)
    if row["amendable_digest"] == new:
        return "duplicate", "nothing the hub carries changed"
    last = row["amended_at"]
    if last is not None and amendment.amended_at is not None and amendment.amended_at < last:
        return "duplicate", f"older than the amendment of {last.isoformat()} already taken"
    await remember(conn, amendment, new)
    return None


async def _newly_unmapped(conn: asyncpg.Connection, amendment: OrderAmended) -> list[str]:
    """Lines it cannot map that are not the order's own quarantined lines already."""
    if not amendment.unmapped_refs:
        return []
    known = await conn.fetch(
        "SELECT line_ref FROM quarantined_lines WHERE order_id = $1 AND closed_at IS NULL",
        amendment.order_id,
    )
    return sorted(set(amendment.unmapped_refs) - {r["line_ref"] for r in known})


async def remember(conn: asyncpg.Connection, order: OrderPlaced | OrderAmended, new: str) -> None:
    line_refs: dict[str, list[str]] = {}
    for line in order.stock_lines:
        line_refs.setdefault(str(line.sku), []).append(line.line_ref)
    when = order.amended_at if isinstance(order, OrderAmended) else None
    await conn.execute(
        "UPDATE channel_orders SET amendable_digest = $2, line_refs = $3,"
        " amended_at = COALESCE($4, amended_at) WHERE order_id = $1",
        order.order_id,
        new,
        line_refs,
        when,
    )
