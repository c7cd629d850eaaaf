"""History for `make bench`: the finished orders of a run, copied until every service's
tables hold BENCH_HISTORY_ORDERS orders (a million by default), so the run repeated on
top shows whether the cost per order grows with history.

Each copy is the same rows made distinct and pushed into the past: a uuid becomes
md5(uuid, copy) (the same in every table, so an order's rows still join across tables
and foreign keys hold), a serial id moves up by a whole table's span per copy (and so do
the columns that reference it), a text column under a unique index gets the copy's
suffix, and every timestamp goes back twelve hours per copy (a year of history at 730
copies). Copies are finished orders: their statuses are set to the terminal ones, as a
year of history is — nothing in it is due, in flight or pending. The five schemas are
written at once, one INSERT ... SELECT over generate_series per table.
"""

import asyncio
import math
import time
from typing import Any

import asyncpg

# Per service, its tables that grow with every order, parents before children.
HISTORY_TABLES = {
    "order_router": ("orders", "order_timeline", "order_shipments", "inbox"),
    "inventory_ledger": ("reservations", "stock_movements", "inbox"),
    "shipping_bridge": ("shipments", "dispatches", "inbox"),
    "accounting_poster": (
        "sales",
        "journal_entries",
        "journal_lines",
        "exports",
        "invoices",
        "inbox",
    ),
    "storefront_gateway": ("deliveries", "effects", "channel_orders", "inbox"),
}
# A year of history is finished: delivered, handed over, exported, accepted.
FINISHED = {
    ("order_router", "orders", "status"): "'delivered'",
    ("order_router", "order_shipments", "status"): "'delivered'",
    ("order_router", "order_shipments", "delivered"): "true",
    ("inventory_ledger", "reservations", "status"): "'handed_over'",
    ("shipping_bridge", "shipments", "status"): "'delivered'",
    ("accounting_poster", "exports", "status"): "'exported'",
    ("storefront_gateway", "deliveries", "status"): "'accepted'",
    # Document numbers are at most 21 characters (QuickBooks' DocNumber).
    ("accounting_poster", "journal_entries", "doc_number"): (
        "CASE WHEN doc_number IS NULL THEN NULL"
        " ELSE 'H' || left(md5(entry_id::text || '/' || n), 16) END"
    ),
}
STEP_BACK = "interval '12 hours'"

COLUMNS = """
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       pg_get_serial_sequence(format('%I.%I', $1::text, $2::text), a.attname) AS sequence,
       EXISTS (SELECT 1 FROM pg_index ix WHERE ix.indrelid = a.attrelid
               AND ix.indisunique AND a.attnum = ANY (ix.indkey)) AS in_unique,
       (SELECT fc.relname || '.' || fa.attname FROM pg_constraint c
          JOIN pg_class fc ON fc.oid = c.confrelid
          JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
         WHERE c.contype = 'f' AND c.conrelid = a.attrelid AND c.conkey = ARRAY[a.attnum])
         AS refers_to
  FROM pg_attribute a
 WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum
"""


def copied(schema: str, table: str, column: dict[str, Any], spans: dict[str, int]) -> str:
    """The SQL of one column of copy n."""
    name, kind = column["name"], column["type"]
    if (schema, table, name) in FINISHED:
        return FINISHED[schema, table, name]
    if column["sequence"]:
        return f"{name} + n * {spans[f'{table}.{name}']}"
    if column["refers_to"] in spans:
        return f"{name} + n * {spans[column['refers_to']]}"
    if kind == "uuid":
        return f"md5({name}::text || '/' || n)::uuid"
    if kind == "text" and column["in_unique"]:
        return f"{name} || '/h' || n"
    if kind.startswith("timestamp"):
        return f"{name} - n * {STEP_BACK}"
    return name


async def copy_table(conn: Any, schema: str, table: str, copies: int, spans: dict[str, int]) -> int:
    columns = [dict(c) for c in await conn.fetch(COLUMNS, schema, table)]
    for column in columns:
        if column["sequence"]:
            span = await conn.fetchval(f"SELECT coalesce(max({column['name']}), 0) FROM {table}")
            spans[f"{table}.{column['name']}"] = int(span)
    names = ", ".join(c["name"] for c in columns)
    values = ", ".join(copied(schema, table, c, spans) for c in columns)
    status = await conn.execute(
        f"INSERT INTO {table} ({names}) SELECT {values} FROM {table}, generate_series(1, $1) AS n",
        copies,
    )
    for column in columns:
        if column["sequence"]:
            await conn.execute(
                f"SELECT setval($1, (SELECT max({column['name']}) FROM {table}))",
                column["sequence"],
            )
    return int(status.split()[-1])


async def seed_schema(database_url: str, schema: str, copies: int) -> dict[str, int]:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await conn.execute("SET synchronous_commit = off")
        spans: dict[str, int] = {}
        written = {}
        async with conn.transaction():
            for table in HISTORY_TABLES[schema]:
                written[f"{schema}.{table}"] = await copy_table(conn, schema, table, copies, spans)
        for table in HISTORY_TABLES[schema]:
            await conn.execute(f"ANALYZE {table}")
        return written
    finally:
        await conn.close()


async def seed(database_url: str, orders: int) -> dict[str, Any]:
    """Copy the finished orders already there until the hub holds `orders` of them."""
    conn = await asyncpg.connect(database_url)
    try:
        present = int(await conn.fetchval("SELECT count(*) FROM order_router.orders"))
    finally:
        await conn.close()
    copies = max(0, math.ceil(orders / max(1, present)) - 1)
    started = time.monotonic()
    results = await asyncio.gather(
        *(seed_schema(database_url, schema, copies) for schema in HISTORY_TABLES)
    )
    rows = {table: count for result in results for table, count in result.items()}
    return {
        "orders": present * (copies + 1),
        "copies_of_the_run": copies,
        "rows_written": sum(rows.values()),
        "rows_per_table": rows,
        "seconds": round(time.monotonic() - started, 1),
    }
