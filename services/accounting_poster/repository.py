"""SQL on the accounting-poster's own tables: the journal, sales, costs, parked postings."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.accounting_poster.chart import Chart
from services.accounting_poster.domain import Line
from services.accounting_poster.invoices import invoice_document
from services.accounting_poster.sales_repository import number_entry
from shared.events.orders import OrderPlaced


async def install_chart(conn: asyncpg.Connection, chart: Chart) -> None:
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO accounts (code, name, type) VALUES ($1, $2, $3)"
            " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type",
            [(a.code, a.name, a.type.value) for a in chart.accounts],
        )
        await conn.execute("DELETE FROM export_targets")
        await conn.executemany(
            "INSERT INTO export_targets (id, currency) VALUES ($1, $2)",
            [(t.id, t.currency) for t in chart.exports],
        )


async def post(
    conn: asyncpg.Connection,
    kind: str,
    source_event_id: UUID,
    order_id: UUID,
    currency: str,
    memo: str,
    lines: list[Line],
    resource: str | None = None,
    exports_to: tuple[str, ...] | None = None,
) -> bool:
    """Posts one entry; False when this source (or this order's sale, or this refund) is
    already posted. It is owed to the accounting systems `exports_to` names (None: every
    one) whose home currency is the entry's (or that have none)."""
    entry_id = uuid4()
    inserted = await conn.fetchval(
        "INSERT INTO journal_entries"
        " (entry_id, kind, source_event_id, order_id, currency, memo, resource)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true",
        entry_id,
        kind,
        source_event_id,
        order_id,
        currency,
        memo,
        resource,
    )
    if not inserted:
        return False
    await number_entry(conn, entry_id, order_id, kind)
    await _insert_lines(conn, entry_id, lines)
    # Owed to every accounting system configured, in the same transaction as the entry.
    await conn.execute(
        "INSERT INTO exports (entry_id, target) SELECT $1, id FROM export_targets"
        " WHERE ($2::text[] IS NULL OR id = ANY($2)) AND (currency IS NULL OR currency = $3)",
        entry_id,
        list(exports_to) if exports_to is not None else None,
        currency,
    )
    return True


async def _insert_lines(conn: asyncpg.Connection, entry_id: UUID, lines: list[Line]) -> None:
    await conn.executemany(
        "INSERT INTO journal_lines (entry_id, line_no, account, debit_minor, credit_minor,"
        " description) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (entry_id, n, line.account, line.debit_minor, line.credit_minor, line.description)
            for n, line in enumerate(lines, start=1)
        ],
    )


async def issue_invoice(conn: asyncpg.Connection, order: OrderPlaced, yearly: bool) -> None:
    """One invoice per order, numbered INV-<year>-<n> without gaps: n counts within the
    year when numbers restart each year (`yearly`), else over all years."""
    if await conn.fetchval("SELECT true FROM invoices WHERE order_id = $1", order.order_id):
        return
    issued_at = datetime.now(UTC)
    series = str(issued_at.year) if yearly else "all"
    counted = await conn.fetchval(
        "INSERT INTO invoice_counters (series, last_number) VALUES ($1, 1)"
        " ON CONFLICT (series) DO UPDATE SET last_number = invoice_counters.last_number + 1"
        " RETURNING last_number",
        series,
    )
    number = f"INV-{issued_at.year}-{counted:06d}"
    await conn.execute(
        "INSERT INTO invoices (invoice_number, order_id, issued_at, document)"
        " VALUES ($1, $2, $3, $4)",
        number,
        order.order_id,
        issued_at,
        invoice_document(order, number, issued_at),
    )


async def invoice(conn: asyncpg.Connection, order_id: UUID) -> dict[str, Any] | None:
    document: Any = await conn.fetchval(
        "SELECT document FROM invoices WHERE order_id = $1", order_id
    )
    return dict(document) if document else None


async def order_of(conn: asyncpg.Connection, order_id: UUID) -> tuple[str, str] | None:
    """The order's (currency, channel), once its amounts are known."""
    placed: Any = await conn.fetchval("SELECT placed FROM sales WHERE order_id = $1", order_id)
    return (str(placed["currency"]), str(placed["channel"])) if placed else None


async def unit_costs(conn: asyncpg.Connection, skus: list[str], currency: str) -> dict[str, int]:
    records = await conn.fetch(
        "SELECT sku, cost_minor FROM item_costs WHERE sku = ANY($1) AND currency = $2",
        skus,
        currency,
    )
    return {r["sku"]: int(r["cost_minor"]) for r in records}


async def set_cost(conn: asyncpg.Connection, sku: str, currency: str, cost_minor: int) -> None:
    await conn.execute(
        "INSERT INTO item_costs (sku, currency, cost_minor) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku) DO UPDATE SET currency = $2, cost_minor = $3",
        sku,
        currency,
        cost_minor,
    )


async def park(
    conn: asyncpg.Connection, source_event_id: UUID, kind: str, payload: Any, reason: str
) -> None:
    await conn.execute(
        "INSERT INTO parked_postings (source_event_id, kind, payload, reason)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (source_event_id) DO UPDATE SET reason = $4",
        source_event_id,
        kind,
        payload,
        reason,
    )


async def parked(conn: asyncpg.Connection, lock: bool = False) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT source_event_id, kind, payload, reason, parked_at FROM parked_postings"
        " ORDER BY parked_at" + (" FOR UPDATE SKIP LOCKED" if lock else "")
    )
    return [dict(r) for r in records]


async def parked_for_order(conn: asyncpg.Connection, order_id: UUID) -> list[dict[str, Any]]:
    """Goods movements of one order parked until its amounts arrived."""
    records = await conn.fetch(
        "SELECT source_event_id, kind, payload, reason FROM parked_postings"
        " WHERE payload->>'order_id' = $1 ORDER BY parked_at FOR UPDATE",
        str(order_id),
    )
    return [dict(r) for r in records]


async def unpark(conn: asyncpg.Connection, source_event_id: UUID) -> None:
    await conn.execute("DELETE FROM parked_postings WHERE source_event_id = $1", source_event_id)


async def journal(conn: asyncpg.Connection, order_id: UUID) -> list[dict[str, Any]]:
    entries = await conn.fetch(
        "SELECT entry_id, kind, source_event_id, currency, memo, posted_at FROM journal_entries"
        " WHERE order_id = $1 ORDER BY posted_at, entry_id",
        order_id,
    )
    result = []
    for entry in entries:
        lines = await conn.fetch(
            "SELECT line_no, account, debit_minor, credit_minor, description FROM journal_lines"
            " WHERE entry_id = $1 ORDER BY line_no",
            entry["entry_id"],
        )
        result.append({**dict(entry), "lines": [dict(line) for line in lines]})
    return result


async def exports(conn: asyncpg.Connection, status: str, limit: int) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT x.entry_id, x.target, x.status, x.external_id, x.attempts, x.last_error,"
        " e.order_id, e.kind FROM exports x JOIN journal_entries e USING (entry_id)"
        " WHERE x.status = $1 ORDER BY x.updated_at DESC LIMIT $2",
        status,
        limit,
    )
    return [dict(r) for r in records]


async def trial_balance(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "SELECT e.currency, l.account, a.name, sum(l.debit_minor)::bigint AS debit_minor,"
        " sum(l.credit_minor)::bigint AS credit_minor"
        " FROM journal_lines l JOIN journal_entries e USING (entry_id)"
        " JOIN accounts a ON a.code = l.account"
        " GROUP BY e.currency, l.account, a.name ORDER BY e.currency, l.account"
    )
    return [dict(r) for r in records]
