"""Every channel shows the ledger's available-to-sell: pushed, coalesced, rate-limited,
reconciled — on real Kafka and PostgreSQL, with the four channel simulators."""

import asyncio
import os
import random
import subprocess
import sys
import time
import uuid

import httpx

from tests.support.channels import CHANNELS, expected, levels, list_everywhere, overwrite, sell
from tests.support.hub import SETTLED, Hub
from tests.support.waiting import eventually

SOLD = SETTLED - {"backordered", "rejected", "fulfilment_failed"}


def new_skus(n: int) -> list[str]:
    tag = uuid.uuid4().hex[:6].upper()
    return [f"FS-{tag}-{i:02d}" for i in range(n)]


async def channels_match_ledger(
    hub: Hub, client: httpx.AsyncClient, skus: list[str]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Per channel, the SKUs whose shown quantity differs from the ledger: (shown, expected)."""
    stock = {sku: await hub.stock(client, sku) for sku in skus}
    wrong: dict[str, dict[str, tuple[int, int]]] = {}
    for channel in CHANNELS:
        shown = await levels(hub, client, channel)
        for sku in skus:
            if shown.get(sku) != expected(channel, stock[sku]):
                wrong.setdefault(channel, {})[sku] = (
                    shown.get(sku, -1),
                    expected(channel, stock[sku]),
                )
    return wrong


async def test_every_channel_shows_available_to_sell_with_its_buffer_and_locations(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    [sku] = new_skus(1)
    await list_everywhere(hub, client, [sku])
    await hub.set_stock(client, sku, "wh-1", 10)
    await hub.set_stock(client, sku, "wh-2", 5)

    async def shown() -> dict[str, int] | None:
        now = {c: (await levels(hub, client, c))[sku] for c in CHANNELS}
        return (
            now
            if now == {"shopify-test": 15, "woo-test": 14, "market-test": 13, "pos-test": 5}
            else None
        )

    # Shopify all 15; WooCommerce holds 1 back; the marketplace 10% (2 of 15, rounded
    # up); the point of sale sells only its own store's 5.
    await eventually(shown)


async def test_a_buffer_never_shows_a_negative_quantity(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    [sku] = new_skus(1)
    await list_everywhere(hub, client, [sku])
    await hub.set_stock(client, sku, "wh-2", 1)
    await eventually(lambda: _shown_as(hub, client, "pos-test", sku, 1))
    woo = await levels(hub, client, "woo-test")
    assert woo[sku] == 0  # 1 unit, buffer 1: zero, not -1


async def _shown_as(hub: Hub, client: httpx.AsyncClient, channel: str, sku: str, n: int) -> bool:
    return (await levels(hub, client, channel)).get(sku) == n


async def test_flash_sale_never_oversells_and_every_channel_converges_on_the_ledger(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    skus = new_skus(10)
    await list_everywhere(hub, client, skus)
    for sku in skus:
        await hub.set_stock(client, sku, "wh-1", 3)
        await hub.set_stock(client, sku, "wh-2", 2)
    await eventually(lambda: _all_match(hub, client, skus), timeout=30)
    before = (await client.get(hub.url("marketplace", "/_stats"))).json()

    # 240 shoppers at once, on four channels, for 10 SKUs with 5 units each.
    rng = random.Random(7)
    attempts = [(rng.choice(CHANNELS), rng.choice(skus)) for _ in range(240)]
    gate = asyncio.Semaphore(40)

    async def shopper(channel: str, sku: str) -> tuple[str, str | None]:
        async with gate:
            return sku, await sell(hub, client, channel, sku)

    sales = await asyncio.gather(*(shopper(c, s) for c, s in attempts))
    placed = [(sku, order_id) for sku, order_id in sales if order_id]
    assert len(placed) >= 50, "the channels should have sold at least the stock there was"

    settled = {
        order_id: (await hub.settled_order(client, order_id))["status"] for _, order_id in placed
    }
    for sku in skus:
        sold = sum(1 for s, order_id in placed if s == sku and settled[order_id] in SOLD)
        stock = await hub.stock(client, sku)
        assert sold <= 5, f"{sku} oversold: {sold} units sold of 5"
        assert 5 - stock["available"] == sold, (sku, sold, stock)

    started = time.monotonic()
    await eventually(lambda: _all_match(hub, client, skus), timeout=30)
    converged_after = time.monotonic() - started
    print(f"channels matched the ledger {converged_after:.2f}s after the last order settled")
    after = (await client.get(hub.url("marketplace", "/_stats"))).json()
    assert after["refused"] == before["refused"], "the hub went over the marketplace's budget"


async def _all_match(hub: Hub, client: httpx.AsyncClient, skus: list[str]) -> bool:
    return not await channels_match_ledger(hub, client, skus)


async def test_a_channel_down_for_a_while_converges_once_it_is_back(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    [sku] = new_skus(1)
    await list_everywhere(hub, client, [sku])
    await hub.set_stock(client, sku, "wh-1", 20)
    await eventually(lambda: _shown_as(hub, client, "market-test", sku, 18))
    await client.post(hub.url("marketplace", "/_outage"), json={"seconds": 4})
    for on_hand in (17, 12, 9):
        await hub.set_stock(client, sku, "wh-1", on_hand)
        await asyncio.sleep(0.3)
    await asyncio.sleep(1)
    assert (await levels(hub, client, "market-test"))[sku] == 18  # still down: nothing landed
    # 9 units, 10% buffer (1): the newest level wins once the marketplace is back.
    await eventually(lambda: _shown_as(hub, client, "market-test", sku, 8), timeout=30)
    stats = (await client.get(hub.url("marketplace", "/_stats"))).json()
    assert stats["unavailable"] > 0


async def test_reconciliation_reports_drift_and_a_dry_run_changes_nothing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    skus = new_skus(2)
    await list_everywhere(hub, client, skus)
    for sku in skus:
        await hub.set_stock(client, sku, "wh-1", 6)
    await eventually(lambda: _all_match(hub, client, skus))
    await overwrite(hub, client, "woo-test", {skus[0]: 40})  # edited in the store's admin
    auth = {"Authorization": f"Bearer {hub.admin_token}"}

    dry = await client.post(
        hub.url("storefront-gateway", "/reconcile"),
        params={"channel": "woo-test", "dry_run": "true"},
        headers=auth,
    )
    assert dry.status_code == 200, dry.text
    [report] = dry.json()["reports"]
    drift = [d for d in report["differences"] if d["sku"] in skus]
    assert drift == [
        {"sku": skus[0], "kind": "mismatch", "expected": 5, "actual": 40, "since": None}
    ]
    await asyncio.sleep(1)
    assert (await levels(hub, client, "woo-test"))[skus[0]] == 40  # a dry run heals nothing

    healed = await client.post(
        hub.url("storefront-gateway", "/reconcile"),
        params={"channel": "woo-test", "format": "table"},
        headers=auth,
    )
    assert healed.status_code == 200
    assert f"{skus[0]}" in healed.text and "mismatch" in healed.text
    await eventually(lambda: _shown_as(hub, client, "woo-test", skus[0], 5))
    metrics = (await client.get(hub.url("storefront-gateway", "/metrics"))).text
    assert 'crossdock_channel_stock_drift{channel="woo-test"}' in metrics


async def test_reconcile_needs_the_admin_token_and_a_known_channel(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    url = hub.url("storefront-gateway", "/reconcile")
    assert (await client.post(url)).status_code == 403  # a read-only token is not enough
    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    unknown = await client.post(url, params={"channel": "nope"}, headers=auth)
    assert unknown.status_code == 404 and "nope" in unknown.text


async def test_the_reconcile_command_prints_the_differences_and_exits_1(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    [sku] = new_skus(1)
    await list_everywhere(hub, client, [sku])
    await hub.set_stock(client, sku, "wh-2", 4)
    await eventually(lambda: _shown_as(hub, client, "pos-test", sku, 4))
    await overwrite(hub, client, "pos-test", {sku: 1})
    command = [sys.executable, "-m", "tools.cli", "reconcile", "--channel", "pos-test"]
    env = {
        **os.environ,
        "CROSSDOCK_ADMIN_TOKEN": hub.admin_token,
        "CROSSDOCK_OPERATOR_TOKEN": hub.operator_token,
        "CROSSDOCK_GATEWAY_URL": hub.url("storefront-gateway", ""),
    }
    done = await asyncio.to_thread(
        subprocess.run, [*command, "--dry-run"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    [row] = [line.split() for line in done.stdout.splitlines() if sku in line]
    assert row[:5] == ["pos-test", sku, "mismatch", "4", "1"]
    healed = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True)
    assert healed.returncode == 1
    await eventually(lambda: _shown_as(hub, client, "pos-test", sku, 4))
