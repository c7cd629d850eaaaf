"""CPU per order, read from /proc: every hub process, Kafka and PostgreSQL, net of idle.

A process's CPU is its own user+system time, its live descendants' (PostgreSQL's
backends, a JVM's are threads and already in its own) and what its reaped children left
in cutime/cstime. The idle rate is measured over a quiet window first and subtracted, so
the figure is what the orders cost, not what the hub burns waiting. PostgreSQL's
committed transactions and rows written per order (per table) come from the statistics
collector over the same window.
"""

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

TICK = os.sysconf("SC_CLK_TCK")
QUIET_CORES = 0.6


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; everything after its ')' is fixed.
    return raw[raw.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _seconds(pid: int, tree: Mapping[int, list[int]]) -> float:
    fields = _stat(pid)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime are fields 14-17 of stat; 11-14 after the name.
    own = sum(int(x) for x in fields[11:15]) / TICK
    return own + sum(_seconds(child, tree) for child in tree.get(pid, []))


async def settled(pids: Mapping[str, int], most_seconds: float = 240) -> float:
    """Waits until the processes are quiet (the last load's tail, the shipments, books
    and exports of a backlog, has drained): two windows in a row within 0.05 cores of
    each other and under QUIET_CORES (a backlog drains steadily, but busily). Returns
    the cores they burn then."""
    import asyncio

    previous = None
    deadline = time.monotonic() + most_seconds
    while True:
        before, started = snapshot(pids), time.monotonic()
        await asyncio.sleep(3)
        after = snapshot(pids)
        cores = sum(after.values()) - sum(before.values())
        cores /= time.monotonic() - started
        quiet = previous is not None and cores < QUIET_CORES and abs(cores - previous) < 0.05
        if quiet or time.monotonic() > deadline:
            return round(cores, 2)
        previous = cores


def infra_pids(state: Path) -> dict[str, int]:
    """Kafka's and PostgreSQL's pids, from the pid files the local stack keeps."""
    found = {}
    for name in ("kafka", "postgres"):
        path = state / "pids" / f"{name}.pid"
        if path.exists():
            found[name] = int(path.read_text().strip())
    return found


def snapshot(pids: Mapping[str, int]) -> dict[str, float]:
    tree = _children()
    return {name: _seconds(pid, tree) for name, pid in pids.items()}


async def commits(database_url: str) -> dict[str, int]:
    """Committed transactions so far, and rows written so far per table (the statistics
    collector's counters: a table's inserts, updates and deletes)."""
    conn = await asyncpg.connect(database_url)
    try:
        total = await conn.fetchval("SELECT sum(xact_commit) FROM pg_stat_database")
        rows = await conn.fetch(
            "SELECT schemaname || '.' || relname AS name,"
            " n_tup_ins + n_tup_upd + n_tup_del AS written FROM pg_stat_user_tables"
        )
    finally:
        await conn.close()
    return {"commits": int(total)} | {row["name"]: int(row["written"]) for row in rows}


@dataclass
class Window:
    """CPU seconds and committed transactions between two readings."""

    pids: Mapping[str, int]
    database_url: str
    started: float = 0.0
    cpu: dict[str, float] | None = None
    xacts: dict[str, int] | None = None

    async def open(self) -> None:
        self.started, self.cpu = time.monotonic(), snapshot(self.pids)
        self.xacts = await commits(self.database_url)

    async def close(self) -> "Reading":
        assert self.cpu is not None and self.xacts is not None, "opened before it is closed"
        after, xacts = snapshot(self.pids), await commits(self.database_url)
        spent = {name: after[name] - self.cpu.get(name, 0.0) for name in after}
        done = {name: n - self.xacts.get(name, 0) for name, n in xacts.items()}
        return time.monotonic() - self.started, spent, done


# Seconds the window was open; CPU seconds per process; commits and rows per table.
Reading = tuple[float, dict[str, float], dict[str, int]]


def _net(
    idle: dict[str, Any], idle_s: float, run: dict[str, Any], run_s: float
) -> dict[str, float]:
    """What the run spent beyond the idle rate, per name, most first."""
    net = {
        name: max(0.0, spent - idle.get(name, 0) * run_s / idle_s) for name, spent in run.items()
    }
    return dict(sorted(net.items(), key=lambda item: -item[1]))


def per_order(idle: Reading, run: Reading, orders: int) -> dict[str, Any]:
    """CPU ms per order (per process and in all), PostgreSQL commits and rows written
    per order (per table and in all), net of the idle rate; the cores the hub burns idle."""
    idle_s, idle_cpu, idle_xacts = idle
    run_s, run_cpu, run_xacts = run
    cpu = _net(idle_cpu, idle_s, run_cpu, run_s)
    written = _net(idle_xacts, idle_s, run_xacts, run_s)
    commits = written.pop("commits", 0.0)
    return {
        "cpu_ms_per_order": round(sum(cpu.values()) * 1000 / orders, 1),
        "by_process_ms": {name: round(s * 1000 / orders, 1) for name, s in cpu.items() if s > 0},
        "idle_cores": round(sum(idle_cpu.values()) / idle_s, 2),
        "idle_cores_by_process": {
            name: round(spent / idle_s, 3) for name, spent in idle_cpu.items() if spent > 0
        },
        "pg_commits_per_order": round(commits / orders, 1),
        "pg_rows_written_per_order": round(sum(written.values()) / orders, 1),
        "pg_rows_written_by_table": {
            name: round(n / orders, 1) for name, n in written.items() if n / orders >= 0.1
        },
        "window_s": round(run_s, 1),
    }
