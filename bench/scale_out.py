"""Scale-out with no code change: a second instance of the order-router and of the
inventory-ledger joins their consumer groups, as a second pod of each deployment would,
and a run of orders goes through both.

Shown, not assumed: each group's partitions are shared between its instances (each
instance's consumers log the partitions they are given), every order gets exactly one stock verdict
(no duplicate from a rebalance or from two instances), and every order completes. No
speed-up is expected on two cores; this shows correctness.
"""

import json
import re
from collections import Counter
from typing import Any

from bench.orders import VERDICTS, run_orders
from tests.support.hub import Hub
from tests.support.waiting import eventually

SCALED = ("order-router", "inventory-ledger")


ASSIGNED = re.compile(r"Setting newly assigned partitions (\{.*?\}|set\(\)) for group (\S+)")


def partitions_held(hub: Hub) -> dict[str, dict[str, int]]:
    """Per consumer group of the scaled services, the partitions each instance holds now,
    from the consumer's own record of its latest assignment in the instance's log."""
    held: dict[str, dict[str, int]] = {}
    for service in SCALED:
        for instance in (service, f"{service}-2"):
            text = (hub.workdir / f"{instance}.log").read_text(errors="replace")
            for partitions, group in ASSIGNED.findall(text):  # the last one stands
                if group.startswith(hub.prefix):  # not a group of an earlier run's hub
                    name = group.removeprefix(hub.prefix).rstrip('",')
                    held.setdefault(name, {})[instance] = partitions.count("TopicPartition(")
    return held


async def _shared(hub: Hub) -> bool:
    held = partitions_held(hub)
    # Every group has heard from both instances (one may hold none of a small topic).
    return bool(held) and all(len(holders) == 2 for holders in held.values())


async def verdict_counts(hub: Hub, order_ids: set[str]) -> Counter[str]:
    """Stock verdicts per order, every record of the topic counted."""
    counts: Counter[str] = Counter()
    for record in await hub.records("stock-reservations", timeout=30):
        event = json.loads(record.value)
        if event["order_id"] in order_ids and event.get("event_type") in VERDICTS:
            counts[event["order_id"]] += 1
    return counts


async def bench_scale_out(hub: Hub, rate: float, count: int) -> dict[str, Any]:
    for service in SCALED:
        hub.start(service, instance=f"{service}-2")
    for service in SCALED:
        await hub.wait_ready(f"{service}-2")
    try:
        await eventually(lambda: _shared(hub), timeout=90)  # the groups have rebalanced
        run = await run_orders(hub, count, rate)
        shares = partitions_held(hub)
    finally:
        for service in SCALED:
            hub.stop(f"{service}-2")
    counts = await verdict_counts(hub, set(run.order_ids.values()))
    return run.figures | {
        "instances": {service: 2 for service in SCALED},
        "partitions_per_member": shares,
        "orders_without_a_verdict": len(run.order_ids) - len(counts),
        "orders_with_two_verdicts": sum(1 for n in counts.values() if n > 1),
    }
