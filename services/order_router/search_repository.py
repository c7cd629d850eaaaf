"""The operators' order search: by channel and order number, by customer email, or the
orders waiting on someone. Each criterion is its own indexed predicate, built only when
given, so the plan never falls back to reading the whole history."""

from dataclasses import dataclass
from typing import Any

import asyncpg

# The statuses an operator acts on; `orders_needing_attention` indexes exactly these.
NEEDING_ATTENTION = ("awaiting_payment", "held_for_approval", "backordered", "fulfilment_failed")

SUMMARY = (
    "SELECT order_id, channel, channel_order_ref, channel_order_name, status, reason,"
    " placed->>'currency' AS currency, placed->'totals' AS totals, created_at, updated_at"
    " FROM orders"
)


@dataclass(frozen=True)
class OrderSearch:
    channel: str | None = None
    number: str | None = None  # the channel's order name (#1001) or its own order id
    email: str | None = None
    statuses: tuple[str, ...] = ()
    limit: int = 50


def _number_predicate(search: OrderSearch, args: list[Any]) -> str:
    """The name as people see it, with or without its '#'; or, within one channel, the
    platform's own order id (the channel's unique key)."""
    number = (search.number or "").strip()
    args.append(number if number.startswith("#") else f"#{number}")
    args.append(number)
    by_name = f"channel_order_name IN (${len(args) - 1}, ${len(args)})"
    if search.channel is None:
        return f"({by_name})"
    return f"({by_name} OR channel_order_ref = ${len(args)})"


def _where(search: OrderSearch) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if search.number:
        clauses.append(_number_predicate(search, args))
    if search.channel:
        args.append(search.channel)
        clauses.append(f"channel = ${len(args)}")
    if search.email:
        args.append(search.email.strip())
        clauses.append(f"lower(placed->>'customer_email') = lower(${len(args)})")
    if search.statuses:
        args.append(list(search.statuses))
        clauses.append(f"status = ANY(${len(args)}::text[])")
    return " AND ".join(clauses), args


def statement(search: OrderSearch) -> tuple[str, list[Any]]:
    """The query and its arguments. A search names at least one of number, email or
    statuses (each on its index); a channel alone would read every order it ever had."""
    where, args = _where(search)
    args.append(search.limit)
    return f"{SUMMARY} WHERE {where} ORDER BY updated_at DESC LIMIT ${len(args)}", args


async def search_orders(conn: asyncpg.Connection, search: OrderSearch) -> list[dict[str, Any]]:
    """Newest first."""
    query, args = statement(search)
    return [dict(r) for r in await conn.fetch(query, *args)]
