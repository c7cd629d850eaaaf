"""Orders into the real hub at a fixed arrival rate (open loop), and what became of them.

Each order is a signed Shopify `orders/create` webhook. Measured per order: the webhook's
acknowledgement, OrderPlaced -> its stock verdict (Kafka record timestamps, one clock),
webhook sent -> verdict, and webhook sent -> the fulfilment order's arrival at its 3PL
(the simulator's `created_at`; one machine, one clock). The 3PLs ship and call back, so
the whole lifecycle runs behind the orders (dispatches, books, exports, channel stock).
"""

import asyncio
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.hub_files import FULFILLERS

# The uniform run: each order one line, its SKU one of fifty (a store's busy catalogue).
SKUS = tuple(f"BENCH-SKU-{n:02d}" for n in range(50))
VERDICTS = {"StockReserved", "StockReservationRejected"}
# The lines of an order, from its Shopify id (whose name "#<id mod 10**9>" keeps its parity).
Lines = Callable[[int], list[Line]]


def one_line(order_number: int) -> list[Line]:
    return [Line(SKUS[order_number % len(SKUS)], 1, "9.99")]


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


async def first_records(
    hub: Hub, topic: str, wanted: set[str], types: set[str] | None = None, timeout: float = 120
) -> dict[str, tuple[int, str]]:
    """Per wanted order, the timestamp and type of its first record on `topic` (of the
    given types), once all are there or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        seen: dict[str, tuple[int, str]] = {}
        for record in await hub.records(topic, timeout=30):
            event = json.loads(record.value)
            order_id, kind = event["order_id"], event.get("event_type", "")
            if order_id in wanted and order_id not in seen and (not types or kind in types):
                seen[order_id] = (record.timestamp, kind)
        if len(seen) == len(wanted) or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.5)


async def arrivals_at_3pl(
    hub: Hub, client: httpx.AsyncClient, names: dict[str, str], timeout: float = 60
) -> dict[str, float]:
    """Order id -> when its fulfilment order reached a 3PL (epoch ms), by order name."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, float] = {}
        for fulfiller in FULFILLERS:
            for order in (await hub.tpl_orders(client, fulfiller))["orders"]:
                if (order_id := names.get(order["order_name"])) and order_id not in found:
                    found[order_id] = datetime.fromisoformat(order["created_at"]).timestamp() * 1e3
        if len(found) == len(names) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(1)


async def send_orders(
    hub: Hub, client: httpx.AsyncClient, count: int, rate: float, lines: Lines
) -> tuple[list[float], dict[str, float], dict[str, str], int]:
    """Acknowledgement times, order id -> sent (epoch ms), order name -> id, retries."""
    acks: list[float] = []
    sent_at: dict[str, float] = {}
    names: dict[str, str] = {}
    retries = 0
    base = random.randrange(10**11, 10**12)
    orders = [shopify_order(base + i, lines(base + i)) for i in range(count)]
    hooks = [signed_shopify(order, hub.shop, hub.shopify_secret) for order in orders]

    async def send(i: int) -> None:
        nonlocal retries
        started = time.time()
        try:
            response = await hub.deliver(client, hooks[i])
        except httpx.TransportError:
            retries += 1  # as a platform would: deliver again
            response = await hub.deliver(client, hooks[i])
        acks.append((time.time() - started) * 1000)
        order_id = response.json()["order_id"]
        sent_at[order_id], names[orders[i]["name"]] = started * 1000, order_id

    await at_fixed_rate(count, send, rate)
    return acks, sent_at, names, retries


def client_for(hub: Hub) -> httpx.AsyncClient:
    # Idle connections expire on our side first (uvicorn closes them after 5 s), so a
    # request never races a server-side close of the connection it was sent on.
    limits = httpx.Limits(max_connections=200, keepalive_expiry=2)
    return httpx.AsyncClient(timeout=30, limits=limits, headers=hub.reader)


async def bench_hub(hub: Hub, count: int, rate: float, lines: Lines = one_line) -> dict[str, Any]:
    """The figures of one run of orders (see `run_orders`)."""
    return (await run_orders(hub, count, rate, lines)).figures


@dataclass(frozen=True)
class Run:
    figures: dict[str, Any]
    order_ids: dict[str, str]  # by order name
    reserved: set[str]  # the names of the orders whose stock was reserved


async def run_orders(hub: Hub, count: int, rate: float, lines: Lines = one_line) -> Run:
    async with client_for(hub) as client:
        acks, sent_at, names, retries = await send_orders(hub, client, count, rate, lines)
        wanted = set(sent_at)
        placed = await first_records(hub, "storefront-orders", wanted)
        verdicts = await first_records(hub, "stock-reservations", wanted, VERDICTS)
        reserved = {n for n, o in names.items() if verdicts.get(o, (0, ""))[1] == "StockReserved"}
        at_3pl = await arrivals_at_3pl(hub, client, {n: names[n] for n in reserved})
    mine = [o for o in sent_at if o in verdicts and o in placed]
    span_s = (max(verdicts[o][0] for o in mine) - min(sent_at[o] for o in mine)) / 1000
    figures = {
        "orders": count,
        "completed": len(mine),
        "reserved": len(reserved),
        "webhook_ack": summary(acks),
        "placed_to_reserved": summary([verdicts[o][0] - placed[o][0] for o in mine]),
        "webhook_to_reserved": summary([verdicts[o][0] - sent_at[o] for o in mine]),
        "webhook_to_3pl": summary([at_3pl[o] - sent_at[o] for o in at_3pl]),
        "reached_3pl": len(at_3pl),
        "sustained_orders_per_s": round(len(mine) / span_s, 1),
        "transport_retries": retries,
    }
    return Run(figures, names, reserved)
