"""The promises, checked after quiescence, each with its numbers.

Read from the services' own APIs and, where no API says it, from their tables (a test
may look at every schema; services never look at each other's).
"""

from typing import Any

import asyncpg
import httpx

from tests.chaos.at_rest import (
    i7_channels_show_the_ledger,
    i8_drained,
    i9_no_dead_letters,
    i10_none_stuck,
    tracking_reached_channels,
)
from tests.chaos.verdict import Verdict
from tests.chaos.workload import HOT_UNITS, Sent, Workload
from tests.support.hub import FULFILLERS, Hub


async def shipped_by_3pls(hub: Hub, client: httpx.AsyncClient) -> dict[str, int]:
    """Units the 3PL simulators shipped, per SKU: what physically left."""
    units: dict[str, int] = {}
    for fulfiller in FULFILLERS:
        for order in (await hub.tpl_orders(client, fulfiller))["orders"]:
            if order["status"] in ("shipped", "delivered"):
                for line in order["lines"]:
                    units[line["sku"]] = units.get(line["sku"], 0) + line["quantity"]
    return units


async def stock_rows(conn: asyncpg.Connection) -> list[Any]:
    return list(await conn.fetch("SELECT * FROM inventory_ledger.stock"))


async def i1_stock_never_below_zero(conn: asyncpg.Connection) -> Verdict:
    rows = await stock_rows(conn)
    bad = [dict(r) for r in rows if r["reserved"] < 0 or r["reserved"] > r["on_hand"]]
    return Verdict(
        "I1 no stock row negative or over-reserved", not bad, {"rows": len(rows), "bad": bad}
    )


async def i2_stock_conserved(
    conn: asyncpg.Connection, hub: Hub, client: httpx.AsyncClient, work: Workload
) -> Verdict:
    audit = (await client.get(hub.url("inventory-ledger", "/stock-audit"))).json()
    left = await shipped_by_3pls(hub, client)
    booked = {
        r["sku"]: -int(r["units"])
        for r in await conn.fetch(
            "SELECT sku, sum(on_hand_delta) AS units FROM inventory_ledger.stock_movements"
            " WHERE kind = 'dispatch' AND sku = ANY($1) GROUP BY sku",
            [work.hot, *work.pool],
        )
    }
    ours = {sku: n for sku, n in left.items() if sku in (work.hot, *work.pool)}
    held = audit["consistent"] and ours == booked
    return Verdict(
        "I2 stock conserved (movements = stock; dispatched = what the 3PLs shipped)",
        held,
        {"audit_mismatches": audit["mismatches"], "shipped_by_3pls": ours, "dispatched": booked},
    )


async def i3_one_verdict_and_reservations_add_up(conn: asyncpg.Connection, sent: Sent) -> Verdict:
    ids = list(sent.orders)
    verdicts = await conn.fetchval(
        "SELECT count(*) FROM inventory_ledger.reservations WHERE order_id = ANY($1::uuid[])", ids
    )
    known = await conn.fetchval(
        "SELECT count(*) FROM order_router.orders WHERE order_id = ANY($1::uuid[])", ids
    )
    unbalanced = await conn.fetch(
        "SELECT r.order_id, coalesce(m.moved, 0) AS moved,"
        " coalesce((SELECT sum((a->>'quantity')::int) FROM jsonb_array_elements(r.allocations) a"
        "  WHERE r.status = 'reserved'), 0) AS held"
        " FROM inventory_ledger.reservations r LEFT JOIN (SELECT order_id,"
        "  sum(reserved_delta) AS moved FROM inventory_ledger.stock_movements"
        "  GROUP BY order_id) m USING (order_id) WHERE r.order_id = ANY($1::uuid[])",
        ids,
    )
    off = [dict(r) for r in unbalanced if r["moved"] != r["held"]]
    return Verdict(
        "I3 one verdict per order; reserved = shipped + released + still held",
        verdicts <= known and not off,
        {"orders": known, "verdicts": verdicts, "reservations_not_adding_up": off[:10]},
    )


async def i4_hot_sku_not_oversold(conn: asyncpg.Connection, work: Workload) -> Verdict:
    taken = await conn.fetchval(
        "SELECT coalesce(-sum(on_hand_delta), 0) FROM inventory_ledger.stock_movements"
        " WHERE sku = $1 AND kind = 'dispatch'",
        work.hot,
    )
    return Verdict(
        "I4 hot SKU never oversold", taken <= HOT_UNITS, {"dispatched": taken, "units": HOT_UNITS}
    )


async def i5_books(
    conn: asyncpg.Connection, hub: Hub, client: httpx.AsyncClient, sent: Sent
) -> Verdict:
    balance = (await client.get(hub.url("accounting-poster", "/trial-balance"))).json()
    sales = await conn.fetch(
        "SELECT order_id, count(*) AS n FROM accounting_poster.journal_entries"
        " WHERE kind = 'sale' GROUP BY order_id HAVING count(*) <> 1"
    )
    unbooked = await conn.fetchval(
        "SELECT count(*) FROM order_router.orders o WHERE o.order_id = ANY($1::uuid[])"
        " AND o.status IN ('reserved', 'sent_to_fulfilment', 'shipped', 'delivered')"
        " AND NOT EXISTS (SELECT 1 FROM accounting_poster.journal_entries j"
        "  WHERE j.order_id = o.order_id AND j.kind = 'sale')",
        list(sent.orders),
    )
    refunds = await conn.fetch(
        "SELECT order_id, resource, count(*) AS n FROM accounting_poster.journal_entries"
        " WHERE kind = 'refund' GROUP BY order_id, resource HAVING count(*) <> 1"
    )
    held = balance["balanced"] and not sales and not refunds and not unbooked
    return Verdict(
        "I5 books balance; one sale per booked order, one posting per refund",
        held,
        {
            "balanced": balance["balanced"],
            "accepted_orders_without_a_sale": unbooked,
            "double_sales": len(sales),
            "double_refunds": len(refunds),
        },
    )


async def i6_one_order_per_webhook(conn: asyncpg.Connection, sent: Sent) -> Verdict:
    known = await conn.fetchval(
        "SELECT count(*) FROM order_router.orders WHERE order_id = ANY($1::uuid[])",
        list(sent.orders),
    )
    accepted = await conn.fetchval(
        "SELECT count(*) FROM storefront_gateway.effects WHERE resource LIKE 'order:%'"
        " AND order_id = ANY($1::uuid[])",
        list(sent.orders),
    )
    return Verdict(
        "I6 each distinct webhook made exactly one order",
        known == accepted == len(sent.orders),
        {
            "distinct_orders_sent": len(sent.orders),
            "accepted": accepted,
            "known_to_router": known,
            "duplicates_sent": sent.duplicates,
        },
    )


async def check_all(
    hub: Hub, client: httpx.AsyncClient, work: Workload, poison_key: str | None
) -> list[Verdict]:
    conn = await asyncpg.connect(hub.database_url)
    try:
        return [
            await i1_stock_never_below_zero(conn),
            await i2_stock_conserved(conn, hub, client, work),
            await i3_one_verdict_and_reservations_add_up(conn, work.sent),
            await i4_hot_sku_not_oversold(conn, work),
            await i5_books(conn, hub, client, work.sent),
            await i6_one_order_per_webhook(conn, work.sent),
            await i7_channels_show_the_ledger(hub, client, work),
            await i8_drained(conn, hub),
            await i9_no_dead_letters(hub, poison_key),
            await i10_none_stuck(conn, work.sent),
            await tracking_reached_channels(conn, hub, client, work.sent),
        ]
    finally:
        await conn.close()
