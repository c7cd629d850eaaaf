"""The hot path's queries stay on their indexes as history grows (real PostgreSQL): a few
hundred thousand finished rows are seeded and each query's plan is read with EXPLAIN —
a sequential scan of the history table fails the test."""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.conftest import migrated_pool

HISTORY = 200_000


@pytest.fixture(scope="module")
async def bridge_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "shipping-bridge", "services.shipping_bridge.migrations"
    )
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO shipments (shipment_id, order_id, correlation_id, fulfiller, location,"
            " channel, channel_order_ref, channel_order_name, lines, status, next_attempt_at)"
            " SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'tpl-a', 'wh-1',"
            " 'web', n::text, '#' || n, '{\"A\": 1}', 'delivered', now() - interval '1 day'"
            " FROM generate_series(1, $1) n",
            HISTORY,
        )
        await conn.execute(
            "INSERT INTO shipments (shipment_id, order_id, correlation_id, fulfiller, location,"
            " channel, channel_order_ref, channel_order_name, lines, status)"
            " VALUES ($1, $2, $3, 'tpl-a', 'wh-1', 'web', 'x', '#x', $4, 'cancelling')",
            uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), json.dumps({"A": 1}),
        )  # fmt: skip
        await conn.execute("ANALYZE shipments")
    yield pool
    await pool.close()


async def plan(pool: Any, query: str, *args: Any) -> str:
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(f"EXPLAIN {query}", *args)
        return "\n".join(r[0] for r in rows)


async def test_the_senders_claim_reads_only_what_is_due(bridge_pool: Any) -> None:
    from services.shipping_bridge import repository

    shown = await plan(
        bridge_pool,
        "SELECT shipment_id FROM shipments WHERE status IN ('pending', 'cancelling')"
        " AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED",
    )
    assert "Seq Scan on shipments" not in shown, shown
    async with bridge_pool.acquire() as conn, conn.transaction():
        claimed = await repository.claim_due(conn, 20, 30.0)
    assert [c["status"] for c in claimed] == ["cancelling"]  # and the claim finds it


async def test_a_shipment_is_found_by_its_channel_order_and_its_tracking(bridge_pool: Any) -> None:
    for query, args in (
        ("SELECT * FROM shipments WHERE channel = $1 AND channel_order_ref = $2", ("web", "7")),
        (
            "SELECT * FROM shipments WHERE fulfiller = $1 AND channel_order_name = $2",
            ("tpl-a", "#7"),
        ),
        ("SELECT * FROM dispatches WHERE tracking_number = $1", ("1Z",)),
    ):
        shown = await plan(bridge_pool, query, *args)
        assert "Seq Scan on shipments" not in shown, (query, shown)


@pytest.fixture(scope="module")
async def books_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "accounting-poster", "services.accounting_poster.migrations"
    )
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO journal_entries (entry_id, kind, source_event_id, order_id, currency,"
            " memo) SELECT gen_random_uuid(), 'cogs', gen_random_uuid(), gen_random_uuid(),"
            " 'USD', 'history' FROM generate_series(1, $1)",
            HISTORY,
        )
        await conn.execute("ANALYZE journal_entries")
    yield pool
    await pool.close()


async def test_a_posting_reads_its_orders_entries_by_index(books_pool: Any) -> None:
    order = uuid.uuid4()
    for query in (
        "SELECT count(*) FROM journal_entries WHERE order_id = $1 AND kind = 'refund'",
        "SELECT currency FROM journal_entries WHERE order_id = $1 AND kind = 'sale'",
        "SELECT true FROM journal_entries WHERE order_id = $1 AND kind = 'void'",
        "SELECT entry_id FROM journal_entries WHERE order_id = $1 AND kind IN ('sale', 'refund')",
    ):
        shown = await plan(books_pool, query, order)
        assert "Seq Scan on journal_entries" not in shown, (query, shown)


@pytest.fixture(scope="module")
async def gateway_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "storefront-gateway", "services.storefront_gateway.migrations"
    )
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO channel_updates (source_event_id, kind, channel, order_id, payload,"
            " status) SELECT gen_random_uuid(), 'fulfilment', 'web', gen_random_uuid(), '{}',"
            " 'done' FROM generate_series(1, $1)",
            HISTORY,
        )
        await conn.execute("ANALYZE channel_updates")
    yield pool
    await pool.close()


async def test_the_feedback_senders_claim_reads_only_what_is_pending(gateway_pool: Any) -> None:
    from services.storefront_gateway.feedback import repository

    async with gateway_pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = on")
        rows = await conn.fetch(
            "EXPLAIN SELECT id FROM channel_updates c WHERE status = 'pending'"
            " AND next_attempt_at <= now() AND NOT EXISTS (SELECT 1 FROM channel_updates e"
            " WHERE e.status = 'pending' AND e.order_id = c.order_id AND e.id < c.id"
            " AND (e.kind LIKE 'email:%') = (c.kind LIKE 'email:%')) ORDER BY id LIMIT 20"
        )
        shown = "\n".join(r[0] for r in rows)
        claimed = await repository.claim_updates(conn, 20, 30.0)
    assert "Seq Scan on channel_updates" not in shown and "pkey" not in shown, shown
    assert claimed == []  # all of history is done


@pytest.fixture(scope="module")
async def router_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(database_url, "order-router", "services.order_router.migrations")
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO orders (order_id, channel, channel_order_ref, channel_order_name,"
            " status, placed, created_at, updated_at)"
            " SELECT gen_random_uuid(), 'web', n::text, '#' || n, 'delivered',"
            " jsonb_build_object('customer_email', 'c' || n || '@example.com'),"
            " now() - n * interval '1 minute', now() - n * interval '1 minute'"
            " FROM generate_series(1, $1) n",
            HISTORY,
        )
        await conn.execute("ANALYZE orders")
    yield pool
    await pool.close()


async def test_the_operators_order_searches_read_by_index(router_pool: Any) -> None:
    from services.order_router.search_repository import OrderSearch, search_orders, statement

    searches = (
        OrderSearch(number="#1001"),
        OrderSearch(channel="web", number="1001"),
        OrderSearch(email="C1001@example.com"),
        OrderSearch(statuses=("held_for_approval", "fulfilment_failed")),
        OrderSearch(channel="web", statuses=("backordered",)),
    )
    for search in searches:
        query, args = statement(search)
        shown = await plan(router_pool, query, *args)
        assert "Seq Scan on orders" not in shown, (search, shown)
    async with router_pool.acquire() as conn:
        found = await search_orders(conn, OrderSearch(channel="web", number="1001"))
        by_email = await search_orders(conn, OrderSearch(email="C1001@EXAMPLE.com"))
    assert [o["channel_order_name"] for o in found] == ["#1001"]
    assert [o["channel_order_ref"] for o in by_email] == ["1001"]


async def test_the_flow_chart_reads_only_its_window(router_pool: Any) -> None:
    from services.order_router.flow_repository import PER_MINUTE, RESERVED_AFTER, flow

    for query in (PER_MINUTE, RESERVED_AFTER):
        shown = await plan(router_pool, query, 60)
        assert "Seq Scan on orders" not in shown, (query, shown)
    async with router_pool.acquire() as conn, conn.transaction():  # one now() for both
        found = await flow(conn, 60)
        expected = await conn.fetchval(
            "SELECT count(*) FROM orders"
            " WHERE created_at >= date_trunc('minute', now()) - interval '59 minutes'"
        )
    assert len(found["per_minute"]) >= 60  # every minute of the window, empty ones too
    assert sum(m["orders"] for m in found["per_minute"]) == expected >= 58
