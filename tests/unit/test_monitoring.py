"""The alert rules and the Grafana dashboard speak of metrics that exist: every metric
an expression selects is one a service registers (with the labels the expression
matches on), Prometheus' own `up`, or the Strimzi Kafka Exporter's consumer lag. And
`promtool check rules` accepts the rules where promtool is installed (`make test`
installs it)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from services.accounting_poster.metrics import BooksMetrics
from services.storefront_gateway.sync.metrics import SyncMetrics
from shared.metrics import ServiceMetrics

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy/monitoring/alerts.yaml"
DASHBOARDS = sorted((ROOT / "deploy/monitoring/grafana/dashboards").glob("*.json"))
SCRAPE_LABELS = {"job", "instance"}
# Not ours, and documented by their makers: Prometheus' scrape health, and the consumer
# lag the Strimzi Kafka Exporter reports per group, topic and partition.
EXTERNAL = {"up": set(), "kafka_consumergroup_lag": {"consumergroup", "topic", "partition"}}
KEYWORDS = {"by", "without", "and", "or", "unless", "on", "ignoring", "bool", "offset"}
KEYWORDS |= {"group_left", "group_right", "inf", "nan"}


def exported() -> dict[str, set[str]]:
    """Every sample name the services register, with its labels."""
    registry = CollectorRegistry()
    shared = ServiceMetrics("any").registry
    SyncMetrics(registry)
    BooksMetrics(registry)
    found: dict[str, set[str]] = dict(EXTERNAL)
    for source in (shared, registry):
        for name, collector in source._names_to_collectors.items():
            labels = set(getattr(collector, "_labelnames", ()))
            found[name] = labels | ({"le"} if name.endswith("_bucket") else set())
    return found


def expressions() -> list[str]:
    rules = yaml.safe_load(RULES.read_text())
    found = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    for path in DASHBOARDS:
        panels = json.loads(path.read_text())["panels"]
        found += [target["expr"] for panel in panels for target in panel.get("targets", [])]
    return found


def selectors(expr: str) -> list[tuple[str, set[str]]]:
    """(metric, the labels its matchers name) for each metric the expression selects."""
    text = re.sub(r"\[[^\]]*\]|\boffset\s+\w+", "", expr)  # ranges, offsets
    grouped = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", text)
    found = []
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?(\s*\()?", grouped):
        name, matchers, call = match.group(1), match.group(2) or "", match.group(3)
        if call or name.lower() in KEYWORDS or re.fullmatch(r"\d+\w*", name):
            continue
        found.append((name, set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", matchers))))
    return found


def grouping_labels(expr: str) -> set[str]:
    return {
        label.strip()
        for inside in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr)
        for label in inside.split(",")
        if label.strip()
    }


@pytest.mark.parametrize("expr", expressions())
def test_every_metric_an_expression_selects_is_exported_with_those_labels(expr: str) -> None:
    known = exported()
    chosen = selectors(expr)
    assert chosen, expr
    for name, labels in chosen:
        assert name in known, f"{name} is exported by no service ({expr})"
        assert labels <= known[name] | SCRAPE_LABELS, (name, labels - known[name])
    every = set().union(*(known[n] for n, _ in chosen)) | SCRAPE_LABELS
    assert grouping_labels(expr) <= every, (expr, grouping_labels(expr) - every)


def test_the_checker_finds_a_metric_nobody_exports() -> None:
    chosen = selectors('sum by (job) (rate(crossdock_nothing_total{x="1"}[5m])) > 0')
    assert chosen == [("crossdock_nothing_total", {"x"})]
    assert "crossdock_nothing_total" not in exported()


def test_promtool_accepts_the_rules() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: `make test-tools` installs Debian's prometheus")
    done = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
