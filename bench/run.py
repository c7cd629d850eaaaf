"""`make bench`: signed webhooks at a fixed arrival rate, against the real hub and against
the null pipeline, on the same Kafka and PostgreSQL in the same run.

Reports webhook acknowledgement p50/p99, OrderPlaced -> StockReserved p50/p99 (Kafka
record timestamps, one clock), webhook sent -> StockReserved, and sustained orders/s;
then stock changes at BENCH_STOCK_RATE per second on 20 SKUs listed on the four
simulated channels: change -> each channel's API call p50/p99, change -> all channels,
and the API calls coalescing and batching saved (bench/channel_stock.py). To the console
and to bench/results/<time>.json.

First the limit: the offered rate steps up until the hub falls behind (bench/limit.py),
and the same for the null pipeline (batched: the honest limit of the hops). Then each is
run at half its limit for BENCH_SECONDS, where latencies and cost are read: CPU ms per
order per process from /proc and PostgreSQL's statistics (bench/cpu.py), commits and
rows written per order, net of an idle window measured first; the cores the hub burns
idle; each process's peak RSS. BENCH_RATE fixes the measured rate instead (no steps).

"""

import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import statements  # noqa: E402
from bench.channel_stock import bench_channel_stock  # noqa: E402
from bench.cpu import Window, infra_pids, per_order, settled  # noqa: E402
from bench.limit import STEP_SECONDS, find_limit, peak_rss_mib, rates  # noqa: E402
from bench.null_pipeline import NullPipeline  # noqa: E402
from simulators.storefronts import Line, shopify_order, signed_shopify  # noqa: E402
from tests.support.hub import Hub  # noqa: E402
from tests.support.infra import Infra, create_database  # noqa: E402

FIXED_RATE = float(os.environ.get("BENCH_RATE", 0))
START_RATE = float(os.environ.get("BENCH_START_RATE", 10))
NULL_START_RATE = float(os.environ.get("BENCH_NULL_START_RATE", 100))
SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
STOCK_RATE = float(os.environ.get("BENCH_STOCK_RATE", 20))
SKU = "BENCH-SKU"
# Where the local stack keeps Kafka's and PostgreSQL's pid files (`make bench` sets it).
STACK_STATE = Path(os.environ.get("CROSSDOCK_BENCH_STATE", ROOT / ".local" / "bench-stack"))
IDLE_SECONDS = 10


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": pct(values_ms, 0.50),
        "p99_ms": pct(values_ms, 0.99),
        "mean_ms": round(statistics.fmean(values_ms), 2) if values_ms else float("nan"),
    }


async def at_fixed_rate(count: int, send: Any, rate: float) -> float:
    """Open-loop arrivals: request i leaves at start + i/rate whatever the others do."""
    start = time.monotonic()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        await send(i)

    await asyncio.gather(*(one(i) for i in range(count)))
    return start


async def wait_for(hub: Hub, topic: str, wanted: set[str], timeout: float = 120) -> dict[str, int]:
    """Record timestamps of the wanted orders on `topic`, once all are there (or time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        seen: dict[str, int] = {}
        for record in await hub.records(topic, timeout=30):
            order_id = json.loads(record.value)["order_id"]
            if order_id in wanted:
                seen[order_id] = record.timestamp
        if len(seen) == len(wanted) or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.5)


async def bench_hub(hub: Hub, count: int, rate: float) -> dict[str, Any]:
    acks: list[float] = []
    transport_retries: list[int] = []
    sent_at: dict[str, float] = {}
    base = random.randrange(10**11, 10**12)
    # Idle connections expire on our side first (uvicorn closes them after 5 s), so a
    # request never races a server-side close of the connection it was sent on.
    limits = httpx.Limits(max_connections=200, keepalive_expiry=2)
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=hub.reader) as client:
        await hub.set_stock(client, SKU, "wh-1", 10_000_000)
        hooks = [
            signed_shopify(
                shopify_order(base + i, [Line(SKU, 1, "9.99")]), hub.shop, hub.shopify_secret
            )
            for i in range(count)
        ]

        async def send(i: int) -> None:
            started = time.time()
            try:
                response = await hub.deliver(client, hooks[i])
            except httpx.TransportError:
                transport_retries.append(i)  # as a platform would: deliver again
                response = await hub.deliver(client, hooks[i])
            acks.append((time.time() - started) * 1000)
            sent_at[response.json()["order_id"]] = started * 1000

        await at_fixed_rate(count, send, rate)
    placed = await wait_for(hub, "storefront-orders", set(sent_at))
    reserved = await wait_for(hub, "stock-reservations", set(sent_at))
    mine = [o for o in sent_at if o in reserved and o in placed]
    span_s = (max(reserved[o] for o in mine) - min(sent_at[o] for o in mine)) / 1000
    return {
        "orders": count,
        "completed": len(mine),
        "webhook_ack": summary(acks),
        "placed_to_reserved": summary([reserved[o] - placed[o] for o in mine]),
        "webhook_to_reserved": summary([reserved[o] - sent_at[o] for o in mine]),
        "sustained_orders_per_s": round(len(mine) / span_s, 1),
        "transport_retries": len(transport_retries),
    }


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
    body = json.dumps(shopify_order(1, [Line(SKU, 1, "9.99")])).encode()
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


async def bench_the_hub(hub: Hub) -> dict[str, Any]:
    """The hub's limit (unless BENCH_RATE fixes the rate), then its cost and latencies at
    half of it, then stock changes to the channels."""
    # Warm-up: consumer groups settle their partitions, pools fill, caches warm.
    await bench_hub(hub, int(START_RATE * 5), START_RATE)
    await asyncio.sleep(10)
    limit: dict[str, Any] = {}
    if not FIXED_RATE:
        limit = await find_limit(lambda r, n: bench_hub(hub, n, r), rates(START_RATE))
        await asyncio.sleep(15)  # the last step's backlog drains
    rate = FIXED_RATE or max(1.0, limit["limit_orders_per_s"] / 2)
    measured = await bench_with_cpu(hub, int(rate * SECONDS), rate)
    stock = await bench_channel_stock(hub, STOCK_RATE, SECONDS, sku_count=20)
    pids = {name: proc.pid for name, proc in hub.procs.items()}
    return limit | {
        "at_half_the_limit": measured | {"rate_per_s": rate},
        "channel_stock": stock,
        "peak_rss_mib": peak_rss_mib(pids),
    }


async def main() -> None:
    infra = Infra(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"])
    hub = Hub(infra, ROOT / ".local" / "bench-hub")
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
