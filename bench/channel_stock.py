"""Channel stock under load: stock changes at a fixed rate on a set of SKUs, and how
long until each channel's API is told (wall clock, one machine), plus the calls that
coalescing and batching saved.

A change's latency, per channel, is from the moment the change was sent to the ledger
to the first call the channel received for that SKU carrying the quantity that change
implies, or one implied by a later change of the same SKU (coalesced: the channel never
needs the intermediate value). "All channels" is the slowest channel, per change.
"""

import asyncio
import random
import time
from typing import Any

import httpx

from tests.support.channels import CHANNELS, expected, list_everywhere
from tests.support.hub import Hub
from tests.support.waiting import eventually

INITIAL = {"wh-1": 40, "wh-2": 10}
CALLS = {
    "shopify-test": ("storefront-api", "/_stock_calls/shopify"),
    "woo-test": ("storefront-api", "/_stock_calls/woocommerce"),
    "market-test": ("marketplace", "/_stock_calls"),
    "pos-test": ("pos", "/_stock_calls"),
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else -1.0


def _as_stock(on_hand: dict[str, int]) -> dict[str, Any]:
    return {"locations": [{"location": loc, "available": n} for loc, n in on_hand.items()]}


async def _calls(hub: Hub, client: httpx.AsyncClient, channel: str) -> list[dict[str, Any]]:
    return list((await client.get(hub.url(*CALLS[channel]))).json())


async def bench_channel_stock(
    hub: Hub, rate: float, seconds: float, sku_count: int
) -> dict[str, Any]:
    tag = random.randrange(10**6)
    skus = [f"BENCH-CS-{tag}-{i:02d}" for i in range(sku_count)]
    state = {sku: dict(INITIAL) for sku in skus}
    rng = random.Random(tag)
    async with httpx.AsyncClient(timeout=30, headers=hub.reader) as client:
        await list_everywhere(hub, client, skus)
        for sku in skus:
            for location, units in state[sku].items():
                await hub.set_stock(client, sku, location, units)
        await eventually(lambda: _settled(hub, client, skus, state), timeout=60)
        seen_before = {c: len(await _calls(hub, client, c)) for c in CHANNELS}
        changes: list[tuple[float, str, dict[str, int]]] = []
        start = time.monotonic()

        plan = [
            (rng.choice(skus), rng.choice(("wh-1", "wh-1", "wh-2")))
            for _ in range(int(rate * seconds))
        ]
        # One change of a SKU at a time: the ledger applies them in the order they are
        # sent, so each snapshot here is a state the ledger really had.
        locks = {sku: asyncio.Lock() for sku in skus}

        async def change(i: int) -> None:
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            sku, location = plan[i]
            async with locks[sku]:
                state[sku][location] = rng.randrange(0, 60)
                snapshot = dict(state[sku])
                sent = time.time()
                await hub.set_stock(client, sku, location, snapshot[location])
            changes.append((sent, sku, snapshot))

        await asyncio.gather(*(change(i) for i in range(len(plan))))
        await eventually(lambda: _settled(hub, client, skus, state), timeout=120)
        calls = {c: (await _calls(hub, client, c))[seen_before[c] :] for c in CHANNELS}
    return _report(changes, calls, rate, seconds)


async def _settled(
    hub: Hub, client: httpx.AsyncClient, skus: list[str], state: dict[str, dict[str, int]]
) -> bool:
    for channel, (service, _) in CALLS.items():
        path = {
            "storefront-api": "/_levels/" + ("shopify" if "shopify" in channel else "woocommerce")
        }
        levels = (await client.get(hub.url(service, path.get(service, "/_levels")))).json()
        if any(levels.get(s) != expected(channel, _as_stock(state[s])) for s in skus):
            return False
    return True


def _report(
    changes: list[tuple[float, str, dict[str, int]]],
    calls: dict[str, list[dict[str, Any]]],
    rate: float,
    seconds: float,
) -> dict[str, Any]:
    changes.sort()
    per_channel: dict[str, list[float]] = {c: [] for c in CHANNELS}
    slowest: list[float] = []
    relevant = {c: 0 for c in CHANNELS}
    for i, (sent, sku, snapshot) in enumerate(changes):
        later = [s for t, k, s in changes[i:] if k == sku]
        worst = 0.0
        for channel in CHANNELS:
            before = [INITIAL] + [s for t, k, s in changes[:i] if k == sku]
            if expected(channel, _as_stock(before[-1])) == expected(channel, _as_stock(snapshot)):
                continue  # nothing this channel needed to hear
            relevant[channel] += 1
            wanted = {expected(channel, _as_stock(s)) for s in later}
            told = next(
                (
                    c["t"]
                    for c in calls[channel]
                    if c["t"] >= sent and c["values"].get(sku) in wanted
                ),
                None,
            )
            if told is not None:
                per_channel[channel].append((told - sent) * 1000)
                worst = max(worst, (told - sent) * 1000)
        slowest.append(worst)
    return {
        "load": {"stock_changes_per_s": rate, "seconds": seconds, "changes": len(changes)},
        "change_to_all_channels_ms": {"p50": _pct(slowest, 0.5), "p99": _pct(slowest, 0.99)},
        "change_to_channel_ms": {
            c: {"p50": _pct(v, 0.5), "p99": _pct(v, 0.99), "measured": len(v)}
            for c, v in per_channel.items()
        },
        "coalescing": {
            c: {
                "changes_for_channel": relevant[c],
                "skus_pushed": sum(len(x["values"]) for x in calls[c]),
                "api_calls": len(calls[c]),
                "api_calls_saved": relevant[c] - len(calls[c]),
            }
            for c in CHANNELS
        },
    }
