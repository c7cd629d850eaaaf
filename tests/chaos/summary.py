"""A chaos report, one line per scenario over all its runs: how many held, how long the
hub took to be quiet after the fault, how soon restarted services were ready.

    python -m tests.chaos.summary chaos-results/latest.json
"""

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def _span(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    return f"{low:.1f} s" if low == high else f"{low:.1f}–{high:.1f} s"


def rows(report: dict[str, Any]) -> list[str]:
    by_scenario: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in report["results"]:
        by_scenario[result["scenario"]].append(result)
    lines = [
        "| scenario | runs held | orders per run | quiet after the fault | restarted, ready |",
        "|---|---|---|---|---|",
    ]
    for name, runs in by_scenario.items():
        held = sum(1 for r in runs if r["held"] and r["quiet_after_fault_seconds"] is not None)
        quiet = [r["quiet_after_fault_seconds"] for r in runs if r["quiet_after_fault_seconds"]]
        ready = [v for r in runs for k, v in r["fault"].items() if k.endswith("_ready_seconds")]
        orders = [r["orders"] for r in runs]
        lines.append(
            f"| {name} | {held} of {len(runs)} | {min(orders)}–{max(orders)} |"
            f" {_span(quiet)} | {_span(ready)} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(rows(json.loads(Path(sys.argv[1]).read_text()))))
