"""B2B credit limits: an order that would take a customer beyond their limit is held for
approval, with the reason, instead of being routed; approval sends it on.

What a customer owes is the ERP's balance at its `balance_as_of`, plus the orders placed
here since then that were not cancelled, rejected or themselves held. The accounts come
from the customers topic (newest ERP revision wins, so redelivery changes nothing).
"""

from typing import Any
from uuid import UUID

import asyncpg

from services.order_router.domain import credit_hold_reason
from shared.events.catalog import CustomerChanged
from shared.events.orders import OrderPlaced

ACCOUNTS_CONSUMER = "order-router.credit-accounts"


async def record_account(conn: asyncpg.Connection, customer: CustomerChanged) -> None:
    if customer.credit_limit_minor is None or not customer.email:
        await conn.execute(
            "DELETE FROM credit_accounts WHERE customer_id = $1 AND revision < $2",
            customer.customer_id,
            customer.revision,
        )
        return
    await conn.execute(
        "INSERT INTO credit_accounts (customer_id, email, currency, credit_limit_minor,"
        " balance_minor, balance_as_of, revision) VALUES ($1, lower($2), $3, $4, $5, $6, $7)"
        " ON CONFLICT (customer_id) DO UPDATE SET email = EXCLUDED.email,"
        " currency = EXCLUDED.currency, credit_limit_minor = EXCLUDED.credit_limit_minor,"
        " balance_minor = EXCLUDED.balance_minor, balance_as_of = EXCLUDED.balance_as_of,"
        " revision = EXCLUDED.revision WHERE credit_accounts.revision < EXCLUDED.revision",
        customer.customer_id,
        customer.email,
        customer.currency,
        customer.credit_limit_minor,
        customer.balance_minor,
        customer.balance_as_of,
        customer.revision,
    )


async def hold_reason(conn: asyncpg.Connection, order: OrderPlaced) -> str | None:
    """Why this order must wait for approval; None if it has no limit or fits it."""
    if not order.customer_email:
        return None
    account = await conn.fetchrow(
        "SELECT customer_id, credit_limit_minor, balance_minor, balance_as_of FROM"
        " credit_accounts WHERE email = lower($1) AND currency = $2",
        order.customer_email,
        order.currency,
    )
    if account is None:
        return None
    on_order = await _on_order(conn, account, order.customer_email, order.currency, order.order_id)
    return credit_hold_reason(
        account["credit_limit_minor"],
        account["balance_minor"] + on_order,
        order.totals.total_minor,
        order.currency,
    )


async def _on_order(
    conn: asyncpg.Connection, account: Any, email: str, currency: str, order_id: UUID
) -> int:
    value = await conn.fetchval(
        "SELECT coalesce(sum((placed->'totals'->>'total_minor')::bigint), 0) FROM orders"
        " WHERE lower(placed->>'customer_email') = lower($1) AND placed->>'currency' = $2"
        " AND created_at > $3 AND order_id <> $4"
        " AND status NOT IN ('cancelled', 'rejected', 'held_for_approval')",
        email,
        currency,
        account["balance_as_of"],
        order_id,
    )
    return int(value)


async def standing(conn: asyncpg.Connection, customer_id: str) -> dict[str, Any] | None:
    """A B2B account's limit, what it owes and has on order, and what is left."""
    account = await conn.fetchrow(
        "SELECT customer_id, email, currency, credit_limit_minor, balance_minor,"
        " balance_as_of FROM credit_accounts WHERE customer_id = $1",
        customer_id,
    )
    if account is None:
        return None
    on_order = await _on_order(conn, account, account["email"], account["currency"], _NO_ORDER)
    used = account["balance_minor"] + on_order
    return {
        **dict(account),
        "on_order_minor": on_order,
        "available_minor": account["credit_limit_minor"] - used,
    }


_NO_ORDER = UUID(int=0)
