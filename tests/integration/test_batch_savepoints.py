"""A batch's units run straight in its transaction, without a savepoint each, on the real
PostgreSQL: a clean batch sets none; a failing unit, or one leaving its work uncommitted,
runs the batch again with one savepoint per unit, so its work alone is undone; a use case
seen leaving work uncommitted keeps its savepoints; a redelivery costs no second run."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from shared.batches import run_batch
from shared.db import UnitOfWork
from shared.events.inventory import StockReserved
from tests.integration.test_batches import (
    SERVICE,
    Broker,
    Probe,
    applied,
    batch_of,
    pool,
    routed_to,
    runner,
)

__all__ = ["pool"]  # the fixture, shared with the batches' other tests


@dataclass
class Logged:
    """The pool as a batch sees it, every statement on its connections noted."""

    pool: Any
    statements: list[str] = field(default_factory=list)

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        async with self.pool.acquire() as conn:

            def note(record: Any) -> None:
                self.statements.append(record.query.strip().upper())

            conn.add_query_logger(note)
            try:
                yield conn
            finally:
                conn.remove_query_logger(note)

    def count(self, prefix: str) -> int:
        return sum(s.startswith(prefix) for s in self.statements)


@dataclass
class Undecided(Probe):
    """Writes, then leaves without committing for its `undecided` orders."""

    undecided: set[uuid.UUID] = field(default_factory=set)

    async def __call__(self, event: StockReserved) -> None:
        if event.order_id not in self.undecided:
            return await super().__call__(event)
        async with UnitOfWork(self.pool, SERVICE, "") as uow:
            await uow.connection.execute(
                "INSERT INTO batch_probe (order_id) VALUES ($1)", event.order_id
            )


async def test_a_clean_batch_sets_no_savepoint(pool: Any) -> None:
    logged, (orders, records) = Logged(pool), batch_of(5)
    await run_batch(runner(Broker()), logged, records, routed_to(Probe(pool)))
    assert await applied(pool) == orders
    assert logged.count("SAVEPOINT") == 0 and logged.count("BEGIN") == 1


async def test_a_failing_unit_runs_the_batch_again_with_a_savepoint_each(pool: Any) -> None:
    logged, (orders, records) = Logged(pool), batch_of(5)
    broker = Broker()
    same = runner(broker)
    await run_batch(same, logged, records, routed_to(Probe(pool, failing={orders[2]})))
    assert same.metrics.batch_reruns.labels("probe")._value.get() == 1
    assert await applied(pool) == orders[:2] + orders[3:], "its insert undone alone"
    assert [p["headers"]["x-origin-offset"] for p in broker.published] == ["2"]
    assert logged.count("BEGIN") == 2, "run again once"
    assert logged.count("SAVEPOINT") >= 5, "each unit in a savepoint the second time"


async def test_work_left_uncommitted_is_undone_and_its_use_case_keeps_savepoints(
    pool: Any,
) -> None:
    orders, records = batch_of(4)
    same, logged = runner(Broker()), Logged(pool)
    await run_batch(same, logged, records, routed_to(Undecided(pool, undecided={orders[1]})))
    assert await applied(pool) == [o for o in orders if o != orders[1]]
    assert same.savepointed == {"probe"} and logged.count("BEGIN") == 2

    later, records = batch_of(3)
    logged = Logged(pool)
    await run_batch(same, logged, records, routed_to(Undecided(pool, undecided={later[0]})))
    assert (await applied(pool))[-2:] == later[1:]
    assert logged.count("BEGIN") == 1, "savepoints from the start: no second run"


async def test_a_redelivered_batch_runs_once_without_savepoints(pool: Any) -> None:
    orders, records = batch_of(4)
    same = runner(Broker())
    await run_batch(same, pool, records, routed_to(Probe(pool)))
    logged = Logged(pool)
    await run_batch(same, logged, records, routed_to(Probe(pool)))  # redelivered
    assert await applied(pool) == orders, "nothing twice"
    assert logged.count("BEGIN") == 1 and logged.count("SAVEPOINT") == 0
    assert same.savepointed == set()
