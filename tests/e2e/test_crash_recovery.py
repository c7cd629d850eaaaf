"""A service killed between its database commit and its offset commit applies the message once."""

import asyncio
import json
import random
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.infra import Infra
from tests.support.waiting import eventually


@pytest.fixture
async def crash_hub(infra: Infra, tmp_path: Path) -> AsyncIterator[Hub]:
    hub = Hub(infra, tmp_path / "crash-hub")
    await hub.provision()
    try:
        yield hub
    finally:
        hub.stop_all()


async def test_ledger_killed_after_commit_before_ack_reserves_exactly_once_on_restart(
    crash_hub: Hub,
) -> None:
    hub = crash_hub
    hub.start("storefront-gateway")
    hub.start("order-router")
    hub.start("inventory-ledger", {"CROSSDOCK_FAILPOINT": "after-commit-before-ack"})
    for service in hub.procs:
        await hub.wait_ready(service)
    sku = f"CRASH-{random.randrange(10**9)}"
    async with httpx.AsyncClient(timeout=30, headers=hub.reader) as client:
        await hub.set_stock(client, sku, "wh-1", 10)
        hook = signed_shopify(
            shopify_order(random.randrange(10**11, 10**12), [Line(sku, 4, "1.00")]),
            hub.shop,
            hub.shopify_secret,
        )
        order_id = (await hub.deliver(client, hook)).json()["order_id"]

        exit_code = await asyncio.to_thread(hub.procs["inventory-ledger"].wait, 60)
        assert exit_code == 86, "the failpoint ended the ledger after its commit"
        assert await reserved_in_database(hub, sku) == 4, "committed before the crash"
        hub.stop("inventory-ledger")
        hub.start("inventory-ledger")
        await hub.wait_ready("inventory-ledger")

        order = await hub.settled_order(client, order_id)
        assert order["allocations"] == [{"sku": sku, "location": "wh-1", "quantity": 4}]
        assert (await hub.stock(client, sku))["reserved"] == 4, "redelivered, applied once"
    verdicts = [
        r
        for r in await hub.records("stock-reservations")
        if json.loads(r.value)["order_id"] == order_id
    ]
    assert len(verdicts) == 1

    async def redelivered() -> int | None:
        # The restarted ledger serves HTTP before its consumers have rejoined the group.
        log = (hub.workdir / "inventory-ledger.log").read_text()
        return log.count('"event": "redelivery ignored"') or None

    assert await eventually(redelivered, timeout=30) == 1, "the uncommitted offset came again"


async def test_a_batch_killed_after_its_commit_is_redelivered_whole_and_applied_once(
    crash_hub: Hub,
) -> None:
    """Orders wait in Kafka while the ledger is down, so it takes several in one batch."""
    hub = crash_hub
    for service in ("storefront-gateway", "order-router", "inventory-ledger"):
        hub.start(service)
        await hub.wait_ready(service)
    sku = f"BATCH-{random.randrange(10**9)}"
    async with httpx.AsyncClient(timeout=30, headers=hub.reader) as client:
        await hub.set_stock(client, sku, "wh-1", 50)
        hub.stop("inventory-ledger")
        order_ids = []
        for _ in range(6):
            order = shopify_order(random.randrange(10**11, 10**12), [Line(sku, 2, "1.00")])
            hook = signed_shopify(order, hub.shop, hub.shopify_secret)
            order_ids.append((await hub.deliver(client, hook)).json()["order_id"])

        async def all_commanded() -> bool:
            commands = [json.loads(r.value) for r in await hub.records("stock-commands")]
            return {c.get("order_id") for c in commands} >= set(order_ids)

        assert await eventually(all_commanded, timeout=30)
        hub.start("inventory-ledger", {"CROSSDOCK_FAILPOINT": "after-commit-before-ack"})
        exit_code = await asyncio.to_thread(hub.procs["inventory-ledger"].wait, 60)
        assert exit_code == 86, "the failpoint ended the ledger after its batch's commit"
        in_first_batch = await reserved_in_database(hub, sku) // 2
        assert in_first_batch >= 2, "several orders committed in the one batch"
        hub.stop("inventory-ledger")
        hub.start("inventory-ledger")
        await hub.wait_ready("inventory-ledger")
        for order_id in order_ids:
            await hub.settled_order(client, order_id)
        assert (await hub.stock(client, sku))["reserved"] == 12, "each order reserved once"
    verdicts = [json.loads(r.value)["order_id"] for r in await hub.records("stock-reservations")]
    assert sorted(v for v in verdicts if v in order_ids) == sorted(order_ids)

    def redelivered() -> int:
        log = (hub.workdir / "inventory-ledger.log").read_text()
        return log.count('"event": "redelivery ignored"')

    async def batch_came_again() -> bool:
        # The settled orders are the first run's outbox: the redelivered batch may still
        # be claiming its messages one by one when they are read, so wait for all of them.
        return redelivered() >= in_first_batch

    assert await eventually(batch_came_again, timeout=30), "the batch came again"
    await asyncio.sleep(1)
    assert redelivered() == in_first_batch, "each message of the batch came again once"


async def reserved_in_database(hub: Hub, sku: str) -> int:
    conn = await asyncpg.connect(hub.database_url)
    try:
        value = await conn.fetchval(
            "SELECT coalesce(sum(reserved), 0) FROM inventory_ledger.stock WHERE sku = $1", sku
        )
    finally:
        await conn.close()
    return int(value)
