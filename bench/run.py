"""`make bench`: the whole hub on one machine, against the batched null pipeline of the
same run, on the same Kafka and PostgreSQL. To the console and bench/results/<time>.json.

The hub runs every service at its production cadence with the simulated partners, and
the 3PLs ship and call back, so each order's whole lifecycle runs behind it (routing,
shipment, dispatch, delivery, books, exports, channel stock). In order:

1. The limit: the offered rate (open loop, signed Shopify webhooks, one line each over
   fifty SKUs) steps up until the hub falls behind (bench/limit.py, bench/orders.py).
2. At half the limit for BENCH_SECONDS: webhook ack, placed -> reserved, webhook ->
   reserved, webhook -> fulfilment order at the 3PL (p50/p99); CPU ms per order per
   process from /proc net of an idle window measured first, the idle cores, PostgreSQL
   commits, rows and statements per order (bench/cpu.py, bench/statements.py).
3. Stock changes at BENCH_STOCK_RATE on 20 SKUs listed on four channels while orders
   keep arriving at half the limit: change -> each channel, -> all (bench/channel_stock.py).
4. A flash sale: half the lines on one SKU whose stock runs out (bench/flash_sale.py).
5. Two instances of the order-router and the inventory-ledger (bench/scale_out.py).
6. BENCH_HISTORY_ORDERS orders of history seeded (bench/history.py; 0 skips it), then 1
   and 2 again, against the empty database's figures.
7. The null pipeline's limit and its cost at half of it (bench/null_pipeline.py).

BENCH_RATE fixes the measured rate instead of stepping; peak RSS per process closes it.
"""

import asyncio
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import statements  # noqa: E402
from bench.channel_stock import bench_channel_stock  # noqa: E402
from bench.cpu import Window, infra_pids, per_order, settled  # noqa: E402
from bench.flash_sale import bench_flash_sale  # noqa: E402
from bench.history import seed  # noqa: E402
from bench.limit import STEP_SECONDS, find_limit, peak_rss_mib, rates  # noqa: E402
from bench.null_pipeline import NullPipeline  # noqa: E402
from bench.orders import SKUS, at_fixed_rate, bench_hub, client_for, summary  # noqa: E402
from bench.scale_out import bench_scale_out  # noqa: E402
from simulators.storefronts import Line, shopify_order  # noqa: E402
from tests.support.hub import Hub  # noqa: E402
from tests.support.hub_files import FULFILLERS  # noqa: E402
from tests.support.infra import Infra, create_database  # noqa: E402

FIXED_RATE = float(os.environ.get("BENCH_RATE", 0))
START_RATE = float(os.environ.get("BENCH_START_RATE", 10))
NULL_START_RATE = float(os.environ.get("BENCH_NULL_START_RATE", 100))
SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
STOCK_RATE = float(os.environ.get("BENCH_STOCK_RATE", 20))
HISTORY_ORDERS = int(os.environ.get("BENCH_HISTORY_ORDERS", 1_000_000))
# The bench runs the services' own cadence, not the test suite's quick one: a quiet
# shipment is asked after in 15 minutes, not 3 seconds; reconciliations, the ERP poll
# and the backoffs at their defaults.
PRODUCTION_CADENCE: dict[str, str | None] = {
    name: None
    for name in (
        "CROSSDOCK_SHIPMENT_QUIET_SECONDS",
        "CROSSDOCK_SEND_BACKOFF_SECONDS",
        "CROSSDOCK_CONSUMER_BACKOFF_SECONDS",
        "CROSSDOCK_ERP_POLL_SECONDS",
        "CROSSDOCK_RECONCILE_INTERVAL_SECONDS",
        "CROSSDOCK_ORDER_RECONCILE_SECONDS",
    )
}
# Where the local stack keeps Kafka's and PostgreSQL's pid files (`make bench` sets it).
STACK_STATE = Path(os.environ.get("CROSSDOCK_BENCH_STATE", ROOT / ".local" / "bench-stack"))
IDLE_SECONDS = 10


async def bench_with_cpu(hub: Hub, count: int, rate: float) -> dict[str, Any]:
    """The order run inside a CPU window, after an idle window of the same processes.

    The window closes once the orders' tail (shipments, books, exports) has drained, so
    their cost is counted and the stock figures that follow are the stock path's own.
    """
    pids = {name: proc.pid for name, proc in hub.procs.items()} | infra_pids(STACK_STATE)
    await settled(pids)
    idle = Window(pids, hub.database_url)
    await idle.open()
    await asyncio.sleep(IDLE_SECONDS)
    idle_reading = await idle.close()
    run = Window(pids, hub.database_url)
    counting = await statements.reset(hub.database_url)
    await run.open()
    result = await bench_hub(hub, count, rate)
    await asyncio.sleep(15)
    result |= per_order(idle_reading, await run.close(), count)
    if counting:
        result["statements"] = await statements.per_order(hub.database_url, count)
    return result


async def null_step(pipeline: NullPipeline, reader: Hub, count: int, rate: float) -> dict[str, Any]:
    body = json.dumps(shopify_order(1, [Line(SKUS[0], 1, "9.99")])).encode()
    sent: list[float] = []
    keys: set[bytes] = set()

    async def send(_: int) -> None:
        sent.append(time.time() * 1000)
        keys.add(await pipeline.place(body))

    await at_fixed_rate(count, send, rate)
    placed = await _timestamps(reader, pipeline.topics[0], keys)
    verdicts = await _timestamps(reader, pipeline.topics[2], keys)
    both = [k for k in placed if k in verdicts]
    span_s = (max(verdicts.values()) - min(sent)) / 1000
    return {
        "orders": count,
        "completed": len(both),
        "placed_to_reserved": summary([verdicts[k] - placed[k] for k in both]),
        "sustained_orders_per_s": round(len(both) / span_s, 1),
    }


async def bench_null(infra: Infra) -> dict[str, Any]:
    """The batched null pipeline's limit, then its cost at half of it."""
    database_url = await create_database(infra.database_url)
    pipeline = NullPipeline(infra.kafka, database_url)
    reader = Hub(infra, ROOT / ".local" / "bench-null")
    await pipeline.start()
    # The null pipeline runs in this process, beside the load it is sent: its CPU includes
    # the sender's, so the comparison flatters the hub, not the null pipeline.
    pids = {"null-pipeline": os.getpid()} | infra_pids(STACK_STATE)
    idle, run = Window(pids, database_url), Window(pids, database_url)
    try:
        await null_step(pipeline, reader, 200, 100)  # warm-up
        limit = await find_limit(
            lambda rate, count: null_step(pipeline, reader, count, rate), rates(NULL_START_RATE)
        )
        half = limit["limit_orders_per_s"] / 2
        await idle.open()
        await asyncio.sleep(IDLE_SECONDS)
        idle_reading = await idle.close()
        await run.open()
        count = int(half * SECONDS)
        measured = await null_step(pipeline, reader, count, half)
        cost = per_order(idle_reading, await run.close(), count)
    finally:
        await pipeline.stop()
    return limit | {"at_half_the_limit": measured | {"rate_per_s": half} | cost}


async def _timestamps(reader: Hub, topic: str, wanted: set[bytes]) -> dict[bytes, int]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    deadline = time.monotonic() + 120
    while True:
        consumer = AIOKafkaConsumer(bootstrap_servers=reader.infra.kafka, enable_auto_commit=False)
        await consumer.start()
        tps = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        found: dict[bytes, int] = {}
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found.update({r.key: r.timestamp for r in batch if r.key in wanted})
        await consumer.stop()
        if len(found) >= len(wanted) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


async def limit_and_cost(hub: Hub) -> dict[str, Any]:
    """The hub's limit (unless BENCH_RATE fixes the rate), then its cost and latencies at
    half of it."""
    limit: dict[str, Any] = {}
    if not FIXED_RATE:
        limit = await find_limit(lambda r, n: bench_hub(hub, n, r), rates(START_RATE))
        await asyncio.sleep(15)  # the last step's backlog drains
    rate = FIXED_RATE or max(1.0, limit["limit_orders_per_s"] / 2)
    measured = await bench_with_cpu(hub, int(rate * SECONDS), rate)
    return limit | {"at_half_the_limit": measured | {"rate_per_s": rate}}


async def stock_while_orders_flow(hub: Hub, rate: float) -> dict[str, Any]:
    """Stock changes to the channels while orders arrive at `rate`."""
    orders = asyncio.create_task(bench_hub(hub, int(rate * SECONDS), rate))
    stock = await bench_channel_stock(hub, STOCK_RATE, SECONDS, sku_count=20)
    return stock | {"orders_meanwhile": await orders}


async def with_history(hub: Hub, empty: dict[str, Any]) -> dict[str, Any]:
    """The same limit and cost once the hub holds HISTORY_ORDERS orders of history."""
    seeded = await seed(hub.database_url, HISTORY_ORDERS)
    print(f"  history: {seeded['orders']} orders in {seeded['seconds']} s", flush=True)
    await asyncio.sleep(10)
    again = await limit_and_cost(hub)
    ratios = {
        "limit": again.get("limit_orders_per_s", 0) / empty.get("limit_orders_per_s", 1),
        "cpu_per_order": again["at_half_the_limit"]["cpu_ms_per_order"]
        / empty["at_half_the_limit"]["cpu_ms_per_order"],
    }
    return {"seeded": seeded} | again | {"against_empty": _rounded(ratios)}


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 3) for name, value in figures.items()}


async def bench_the_hub(hub: Hub) -> dict[str, Any]:
    """Limit and cost; stock to the channels while orders flow; a flash sale on one SKU;
    two instances of the order-router and the ledger; then all again on a year of
    history."""
    async with client_for(hub) as client:
        for sku in SKUS:
            await hub.set_stock(client, sku, "wh-1", 10_000_000)
        for fulfiller in FULFILLERS:  # the whole lifecycle: the 3PLs ship and call back
            await hub.tpl(client, fulfiller, auto_ship=True)
    # Warm-up: consumer groups settle their partitions, pools fill, caches warm.
    await bench_hub(hub, int(START_RATE * 5), START_RATE)
    await asyncio.sleep(10)
    result = await limit_and_cost(hub)
    half = result["at_half_the_limit"]["rate_per_s"]
    print("stock to the channels while orders flow", flush=True)
    result["channel_stock_while_orders_flow"] = await stock_while_orders_flow(hub, half)
    print("a flash sale on one SKU", flush=True)
    result["flash_sale"] = await bench_flash_sale(hub, half)
    print("two instances of the order-router and the ledger", flush=True)
    result["scale_out"] = await bench_scale_out(hub, half, int(half * SECONDS))
    if HISTORY_ORDERS:
        result["with_history"] = await with_history(hub, result)
    pids = {name: proc.pid for name, proc in hub.procs.items()}
    return result | {"peak_rss_mib": peak_rss_mib(pids)}


async def main() -> None:
    infra = Infra(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"])
    hub = Hub(infra, ROOT / ".local" / "bench-hub", overrides=PRODUCTION_CADENCE)
    await hub.provision()
    await hub.start_all()
    try:
        hub_result = await bench_the_hub(hub)
    finally:
        hub.stop_all()
    null_result = await bench_null(infra)
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load": {"seconds_per_step": STEP_SECONDS, "seconds_at_half": SECONDS},
        "hub": hub_result,
        "null_pipeline": null_result,
    }
    if "limit_orders_per_s" in hub_result:
        result["ratio_of_limits"] = round(
            hub_result["limit_orders_per_s"] / null_result["limit_orders_per_s"], 3
        )
    measured, floor = hub_result["at_half_the_limit"], null_result["at_half_the_limit"]
    result["ratio_cpu_per_order"] = round(
        measured["cpu_ms_per_order"] / floor["cpu_ms_per_order"], 1
    )
    out = ROOT / "bench" / "results" / f"{result['when'].replace(':', '')}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
