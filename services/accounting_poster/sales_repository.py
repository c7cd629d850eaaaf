"""SQL of what the accounting-poster knows of each order's sale (`sales`): its amounts,
whether it was accepted, whether it was cancelled."""

import json
from typing import Any
from uuid import UUID

import asyncpg

from services.accounting_poster.domain import Line, doc_number
from shared.events.orders import OrderPlaced

FACTS = ("reserved", "paid", "shipped")


async def remember_placed(conn: asyncpg.Connection, order: OrderPlaced) -> None:
    """Stores the order's amounts (the first that came stand)."""
    await conn.execute(
        "INSERT INTO sales (order_id, placed) VALUES ($1, $2)"
        " ON CONFLICT (order_id) DO UPDATE SET placed = coalesce(sales.placed, EXCLUDED.placed)",
        order.order_id,
        json.loads(order.model_dump_json()),
    )


async def note(conn: asyncpg.Connection, order_id: UUID, fact: str) -> None:
    """One fact of the sale: accepted (reserved), paid, shipped."""
    assert fact in FACTS
    await conn.execute(
        f"INSERT INTO sales (order_id, {fact}) VALUES ($1, true)"
        f" ON CONFLICT (order_id) DO UPDATE SET {fact} = true",
        order_id,
    )


async def facts(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    """What is known of the sale, locked: amounts, acceptance, payment, shipment,
    cancellation — and whether it is posted."""
    record = await conn.fetchrow(
        "SELECT placed, reserved, paid, shipped, cancelled, EXISTS (SELECT 1 FROM"
        " journal_entries WHERE order_id = $1 AND kind = 'sale') AS posted"
        " FROM sales WHERE order_id = $1 FOR UPDATE",
        order_id,
    )
    return dict(record) if record else None


async def cancel(conn: asyncpg.Connection, order_id: UUID) -> str | None:
    """Marks the order cancelled (locked); returns its currency when its sale was posted."""
    await conn.execute(
        "INSERT INTO sales (order_id, cancelled) VALUES ($1, true)"
        " ON CONFLICT (order_id) DO UPDATE SET cancelled = true",
        order_id,
    )
    await conn.execute("SELECT 1 FROM sales WHERE order_id = $1 FOR UPDATE", order_id)
    currency = await conn.fetchval(
        "SELECT currency FROM journal_entries WHERE order_id = $1 AND kind = 'sale'", order_id
    )
    return str(currency) if currency is not None else None


async def voided(conn: asyncpg.Connection, order_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM journal_entries WHERE order_id = $1 AND kind = 'void'", order_id
    )
    return bool(found)


async def sale_and_refunds(conn: asyncpg.Connection, order_id: UUID) -> list[Line]:
    """Every line the order's sale and refunds posted."""
    records = await conn.fetch(
        "SELECT l.account, l.debit_minor, l.credit_minor, l.description FROM journal_lines l"
        " JOIN journal_entries e USING (entry_id)"
        " WHERE e.order_id = $1 AND e.kind IN ('sale', 'refund') ORDER BY e.posted_at, l.line_no",
        order_id,
    )
    return [
        Line(r["account"], r["debit_minor"], r["credit_minor"], r["description"]) for r in records
    ]


async def tax_rates(conn: asyncpg.Connection, order_id: UUID) -> tuple[dict[str, Any], Any]:
    """Each sold line's tax rate by the channel's line ref, and the shipping's."""
    placed = await conn.fetchval("SELECT placed FROM sales WHERE order_id = $1", order_id)
    if not placed:
        return {}, None
    found = placed if isinstance(placed, dict) else json.loads(placed)
    lines = {line["line_ref"]: line.get("tax_rate") for line in found.get("lines", [])}
    return lines, (found.get("totals") or {}).get("shipping_tax_rate")


async def number_entry(conn: asyncpg.Connection, entry_id: UUID, order_id: UUID, kind: str) -> str:
    """Gives the entry its document number (domain.doc_number), unique among all."""
    name = await conn.fetchval(
        "SELECT placed->>'channel_order_name' FROM sales WHERE order_id = $1", order_id
    )
    nth = await conn.fetchval(
        "SELECT count(*) FROM journal_entries WHERE order_id = $1 AND kind = $2", order_id, kind
    )
    clash = 0
    while True:
        number = doc_number(name or str(order_id)[:8], kind, int(nth), clash)
        # Two orders of the same name posted at once take turns for it.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('doc:' || $1))", number)
        if not await conn.fetchval(
            "SELECT true FROM journal_entries WHERE doc_number = $1", number
        ):
            break
        clash += 1
    await conn.execute(
        "UPDATE journal_entries SET doc_number = $2 WHERE entry_id = $1", entry_id, number
    )
    return number
