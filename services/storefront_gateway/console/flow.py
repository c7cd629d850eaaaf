"""The flow page's figures, pure: orders per minute as bars stacked by channel (an SVG
drawn on the server, no script), and what the services' own Prometheus metrics say now —
outbox backlog, dead letters, stock change → channel latency."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

PALETTE = ("#0b57d0", "#b3261e", "#146c2e", "#7c4dff", "#e37400", "#006874", "#5f6368")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    colour: str
    title: str


def bars(
    per_minute: list[dict[str, Any]], width: float = 960, height: float = 200
) -> dict[str, Any]:
    """Stacked bars, one per minute, with a legend of channels and their colours."""
    minutes = sorted({row["minute"] for row in per_minute})
    per_minute = [row for row in per_minute if row["channel"] is not None]  # empty minutes
    channels = sorted({row["channel"] for row in per_minute})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(channels)}
    totals: dict[str, int] = defaultdict(int)
    for row in per_minute:
        totals[row["minute"]] += int(row["orders"])
    top = max(totals.values(), default=0) or 1
    step = width / max(len(minutes), 1)
    drawn: list[Bar] = []
    base: dict[str, float] = defaultdict(float)
    for row in sorted(per_minute, key=lambda r: (r["minute"], r["channel"])):
        tall = int(row["orders"]) / top * height
        base[row["minute"]] += tall
        x = minutes.index(row["minute"]) * step
        label = f"{row['minute']}: {row['orders']} from {row['channel']}"
        drawn.append(Bar(x, height - base[row["minute"]], tall, colour[row["channel"]], label))
    return {"bars": drawn, "legend": colour, "top": top, "bar_width": max(step - 2, 1)}


def _samples(text: str, name: str) -> list[Any]:
    return [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def gauge_sum(text: str, name: str) -> float:
    return float(sum(sample.value for sample in _samples(text, name)))


def quantile(text: str, histogram: str, q: float) -> float | None:
    """The bucket bound under which `q` of all observations fall (every label summed);
    None before the first observation."""
    buckets: dict[float, float] = defaultdict(float)
    for sample in _samples(text, f"{histogram}_bucket"):
        buckets[float(sample.labels["le"])] += sample.value
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return None
    for bound in sorted(buckets):
        if buckets[bound] >= q * total:
            return bound
    return None
