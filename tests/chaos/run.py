"""`make chaos`: each scenario on a fresh hub — load, one fault, quiescence, invariants.

    python -m tests.chaos.run [--short] [--scenario NAME ...] [--seconds S] [--rate R]
                              [--runs N] [--report FILE]

Prints each scenario's invariants with their figures and the time the hub took to be
quiet again, writes the whole report as JSON, and exits 1 when any invariant broke.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.chaos.at_rest import (
    consumer_lag,
    outbox_rows,
    pushes_owed,
    unsettled,
    updates_owed,
)
from tests.chaos.faults import Stage
from tests.chaos.invariants import check_all
from tests.chaos.scenarios import SCENARIOS, SHORT, Scenario, named
from tests.chaos.workload import Workload
from tests.support.hub import Hub
from tests.support.infra import Infra
from tools.provisioning import delete_topics

ROOT = Path(__file__).resolve().parents[2]


async def quiet(hub: Hub, work: Workload, limit: float) -> float | None:
    """Seconds until nothing is left to do (outboxes, lag, orders on their way, stock
    owed to a channel), twice in a row; None when the hub is not quiet within `limit`."""
    started, calm = time.monotonic(), 0
    while time.monotonic() - started < limit:
        try:
            conn = await asyncpg.connect(hub.database_url)
            try:
                busy = (
                    any((await outbox_rows(conn)).values())
                    or bool(await unsettled(conn, work.sent))
                    or bool(await pushes_owed(conn, work))
                    or bool(await updates_owed(conn, work.sent))
                )
            finally:
                await conn.close()
            busy = busy or any((await consumer_lag(hub)).values())
        except (OSError, asyncpg.PostgresError):
            busy = True
        calm = 0 if busy else calm + 1
        if calm >= 2:
            return round(time.monotonic() - started, 1)
        await asyncio.sleep(1)
    return None


async def play(infra: Infra, scenario: Scenario, seconds: float, rate: float, stack: Any) -> dict:
    hub = Hub(infra, Path(tempfile.mkdtemp(prefix=f"chaos-{scenario.name}-")))
    await hub.provision()
    try:
        await hub.start_all()
        limits = httpx.Limits(max_connections=100, keepalive_expiry=2)
        async with httpx.AsyncClient(timeout=30, limits=limits, headers=hub.reader) as client:
            work = Workload(hub, client, random.Random())
            await work.prepare()
            stage = Stage(hub, work, stack)
            load = asyncio.create_task(work.run(seconds, rate))
            await asyncio.sleep(seconds / 3)
            await scenario.fault(stage)
            cleared = time.monotonic()
            await load
            settled = await quiet(hub, work, limit=120)
            recovery = round(time.monotonic() - cleared, 1) if settled is not None else None
            verdicts = await check_all(hub, client, work, stage.figures.get("poison_key"))
        return {
            "scenario": scenario.name,
            "held": all(v.held for v in verdicts),
            "quiet_after_fault_seconds": recovery,
            "quiet_after_load_seconds": settled,
            "orders": len(work.sent.orders),
            "refused_or_unanswered": len(work.sent.refused),
            "fault": stage.figures,
            "invariants": [asdict(v) for v in verdicts],
            "logs": str(hub.workdir),
        }
    finally:
        hub.stop_all()
        # A broker restarted after kill -9 recovers every partition it holds: the
        # scenarios' topics would pile up (65 partitions each) and make each
        # later restart slower, which no deployment with its fixed topics sees.
        with contextlib.suppress(Exception):
            await delete_topics(infra.kafka, hub.prefix)


def print_result(result: dict) -> None:
    mark = "PASS" if result["held"] and result["quiet_after_fault_seconds"] is not None else "FAIL"
    if "error" in result:
        print(f"FAIL {result['scenario']}: {result['error'][:500]}")
        return
    print(
        f"{mark} {result['scenario']}: {result['orders']} orders, quiet"
        f" {result['quiet_after_fault_seconds']} s after the fault; {result['fault']}"
    )
    for v in result["invariants"]:
        figures = json.dumps(v["figures"], default=str)
        print(f"    {'ok ' if v['held'] else 'BROKEN'} {v['name']}: {figures}")


def own_stack() -> Any:
    """The stack `make chaos` started for this run, so Kafka and PostgreSQL can be hit."""
    if not os.environ.get("CROSSDOCK_CHAOS_OWNS_STACK"):
        return None
    from deploy.local.stack import Stack

    return Stack(
        (ROOT / os.environ["CROSSDOCK_STATE_DIR"]).resolve(),
        int(os.environ["CROSSDOCK_KAFKA_PORT"]),
        int(os.environ["CROSSDOCK_PG_PORT"]),
        0,
    )


async def main(args: argparse.Namespace) -> int:
    infra = Infra(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"])
    stack = own_stack()
    chosen = (
        named(args.scenario)
        if args.scenario
        else (named(list(SHORT)) if args.short else list(SCENARIOS))
    )
    results: list[dict[str, Any]] = []
    passed = True
    for run in range(args.runs):
        for scenario in chosen:
            if scenario.owns_stack and stack is None:
                print(f"SKIP {scenario.name}: needs the run's own stack (make chaos)")
                continue
            try:
                played = await play(infra, scenario, args.seconds, args.rate, stack)
            except Exception as exc:  # a harness or hub failure is that scenario's failure
                played = {
                    "scenario": scenario.name,
                    "held": False,
                    "error": repr(exc),
                    "quiet_after_fault_seconds": None,
                    "orders": 0,
                    "fault": {},
                    "invariants": [],
                }
            result = {"run": run + 1, **played}
            print_result(result)
            results.append(result)
            # Written after every scenario, so a run cut short still leaves its report.
            passed = await _report(Path(args.report), results)
    print(f"report: {args.report}; {sum(1 for r in results if r['held'])} of {len(results)} held")
    return 0 if passed else 1


async def _report(path: Path, results: list[dict[str, Any]]) -> bool:
    passed = all(r["held"] and r["quiet_after_fault_seconds"] is not None for r in results)
    report = json.dumps({"passed": passed, "results": results}, indent=2, default=str)
    await asyncio.to_thread(_write, path, report)
    return passed


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def cli() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's fault-injection suite")
    parser.add_argument("--short", action="store_true", help="the three scenarios of make test")
    parser.add_argument("--scenario", action="append", help="only this one (repeatable)")
    parser.add_argument("--seconds", type=float, default=45.0, help="load per scenario")
    parser.add_argument("--rate", type=float, default=3.0, help="actions per second")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--report", default=str(ROOT / "chaos-results" / "latest.json"))
    raise SystemExit(asyncio.run(main(parser.parse_args())))


if __name__ == "__main__":
    cli()
