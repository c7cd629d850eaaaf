"""The promises, checked after quiescence, each with its numbers.

Read from the services' own APIs and, where no API says it, from their tables (a test
may look at every schema; services never look at each other's).
"""

from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from shared.topics import dead_letter_topic
from tests.chaos.workload import HOT_UNITS, Sent, Workload
from tests.support.hub import FULFILLERS, SERVICES, Hub

SCHEMAS = [s.replace("-", "_") for s in SERVICES]
# Where an order may rest once the hub is quiet: every other status is on its way.
AT_REST = {
    "delivered",
    "rejected",
    "cancelled",
    "backordered",
    "fulfilment_failed",
    "returned",
    "held_for_approval",
}


@dataclass
class Verdict:
    name: str
    held: bool
    figures: dict[str, Any] = field(default_factory=dict)


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


async def outbox_rows(conn: asyncpg.Connection) -> dict[str, int]:
    return {s: await conn.fetchval(f'SELECT count(*) FROM "{s}".outbox') for s in SCHEMAS}


async def consumer_lag(hub: Hub) -> dict[str, int]:
    """Per consumer group of this hub: messages not yet committed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=hub.infra.kafka)
    consumer = AIOKafkaConsumer(bootstrap_servers=hub.infra.kafka)
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if g[0].startswith(hub.prefix)]
        lag: dict[str, int] = {}
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            ends = await consumer.end_offsets(list(offsets))
            lag[group.removeprefix(hub.prefix)] = sum(
                ends[tp] - meta.offset for tp, meta in offsets.items() if meta.offset >= 0
            )
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def i8_drained(conn: asyncpg.Connection, hub: Hub) -> Verdict:
    outboxes, lag = await outbox_rows(conn), await consumer_lag(hub)
    held = not any(outboxes.values()) and not any(lag.values())
    return Verdict(
        "I8 every outbox empty, every consumer group caught up",
        held,
        {
            "outbox_rows": {k: v for k, v in outboxes.items() if v},
            "lag": {k: v for k, v in lag.items() if v},
            "groups": len(lag),
        },
    )


async def dead_letters(hub: Hub, poison_key: str | None) -> tuple[dict[str, int], int]:
    """Letters per service that are not the poison message, and the poison ones."""
    others: dict[str, int] = {}
    poisoned = 0
    for service in SERVICES:
        topic = dead_letter_topic(service).name
        for record in await hub.records(topic):
            key = record.key.decode(errors="replace") if record.key else None
            if poison_key is not None and key == poison_key:
                poisoned += 1
            else:
                others[service] = others.get(service, 0) + 1
    return others, poisoned


async def i9_no_dead_letters(hub: Hub, poison_key: str | None) -> Verdict:
    others, poisoned = await dead_letters(hub, poison_key)
    return Verdict(
        "I9 nothing dead-lettered but the poison messages",
        not others and (poison_key is None or poisoned > 0),
        {"dead_letters": others, "poison_parked": poisoned},
    )


async def unsettled(conn: asyncpg.Connection, sent: Sent) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM order_router.orders"
        " WHERE order_id = ANY($1::uuid[]) GROUP BY status",
        list(sent.orders),
    )
    return {r["status"]: r["n"] for r in rows if r["status"] not in AT_REST}


async def i10_none_stuck(conn: asyncpg.Connection, sent: Sent) -> Verdict:
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM order_router.orders"
        " WHERE order_id = ANY($1::uuid[]) GROUP BY status",
        list(sent.orders),
    )
    statuses = {r["status"]: r["n"] for r in rows}
    stuck = {k: v for k, v in statuses.items() if k not in AT_REST}
    return Verdict("I10 every order at rest, none stuck", not stuck, {"statuses": statuses})


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
            await i8_drained(conn, hub),
            await i9_no_dead_letters(hub, poison_key),
            await i10_none_stuck(conn, work.sent),
        ]
    finally:
        await conn.close()
