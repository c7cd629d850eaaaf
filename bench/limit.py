"""Finding the limit: the offered rate (open loop) steps up until the pipeline falls behind.

A step holds its rate for BENCH_STEP_SECONDS. The pipeline has fallen behind when it
completes fewer than FALLING_BEHIND of the orders it was offered per second, or when
its placed -> reserved p99 passes BEHIND_P99_MS (a queue is growing). The limit is the
highest rate it sustained in any step.
"""

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

FALLING_BEHIND = 0.9
BEHIND_P99_MS = 2000.0
STEP_SECONDS = float(os.environ.get("BENCH_STEP_SECONDS", 10))

Step = Callable[[float, int], Awaitable[dict[str, Any]]]


def rates(start: float, factor: float = 1.5, most: float = 5000) -> list[float]:
    found, rate = [], start
    while rate <= most:
        found.append(round(rate, 1))
        rate *= factor
    return found


def kept_up(result: dict[str, Any], offered: float) -> bool:
    sustained = float(result["sustained_orders_per_s"])
    p99 = float(result["placed_to_reserved"]["p99_ms"])
    return sustained >= FALLING_BEHIND * offered and p99 <= BEHIND_P99_MS


async def find_limit(step: Step, offered: list[float]) -> dict[str, Any]:
    """Each step's figures, and the highest rate sustained before it fell behind."""
    steps = []
    for rate in offered:
        result = await step(rate, max(1, int(rate * STEP_SECONDS)))
        ok = kept_up(result, rate)
        steps.append({"offered_per_s": rate, "kept_up": ok} | result)
        print(f"  offered {rate}/s: sustained {result['sustained_orders_per_s']}/s", flush=True)
        if not ok:
            break
    return {
        "limit_orders_per_s": max(float(s["sustained_orders_per_s"]) for s in steps),
        "steps": steps,
    }


def peak_rss_mib(pids: dict[str, int]) -> dict[str, float]:
    """Each process's peak resident memory (VmHWM), in MiB."""
    found = {}
    for name, pid in pids.items():
        status = Path(f"/proc/{pid}/status")
        if not status.exists():
            continue
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                found[name] = round(int(line.split()[1]) / 1024, 1)
    return found
