"""A batch of consumed messages on the real PostgreSQL: one transaction, each message's
use case a savepoint of it; a failing message is parked alone, a lost database or a lock
conflict runs the batch again, a redelivered batch applies nothing twice."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
import pytest

from shared.batches import run_batch
from shared.consumer import ConsumerRunner
from shared.db import UnitOfWork
from shared.events.codec import Decoder, encode
from shared.events.inventory import StockReserved
from shared.failpoints import Failpoints
from shared.metrics import ServiceMetrics
from shared.subscriptions import Route

SERVICE = "inventory-ledger"


@dataclass
class Record:
    value: bytes
    offset: int
    topic: str = "stock-reservations"
    partition: int = 0
    key: bytes = b"k"
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass
class Broker:
    published: list[dict[str, Any]] = field(default_factory=list)

    async def publish(self, body: bytes, **kwargs: Any) -> None:
        self.published.append({"body": body, **kwargs})


@dataclass
class Probe:
    """A use case that appends its event's order to a table, in a unit of work."""

    pool: Any
    failing: set[uuid.UUID] = field(default_factory=set)
    outages: int = 0  # the next calls that find the database gone
    conflicts: int = 0  # the next calls that lose a deadlock
    seen_by_others: list[int] = field(default_factory=list)

    async def __call__(self, event: StockReserved) -> None:
        async with UnitOfWork(self.pool, SERVICE, "") as uow:
            if not await uow.inbox.claim("probe", event.event_id):
                return
            await uow.connection.execute(
                "INSERT INTO batch_probe (order_id) VALUES ($1)", event.order_id
            )
            verdict = StockReserved.caused_by(event, order_id=event.order_id, allocations=())
            await uow.outbox.add(verdict, key=str(event.order_id))
            await self._faults(event)
            async with self.pool.acquire() as other:
                self.seen_by_others.append(await other.fetchval(COUNT))
            await uow.commit()

    async def _faults(self, event: StockReserved) -> None:
        if self.outages:
            self.outages -= 1
            raise ConnectionResetError("connection lost")
        if self.conflicts:
            self.conflicts -= 1
            raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")
        if event.order_id in self.failing:
            raise RuntimeError("this order cannot be handled")


COUNT = "SELECT count(*) FROM batch_probe"


@pytest.fixture
async def pool(ledger_pool: Any) -> AsyncIterator[Any]:
    async with ledger_pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS batch_probe"
            " (seq bigserial PRIMARY KEY, order_id uuid NOT NULL); TRUNCATE batch_probe;"
            " TRUNCATE outbox"
        )
    yield ledger_pool


def runner(broker: Broker) -> ConsumerRunner:
    return ConsumerRunner(
        broker,  # type: ignore[arg-type]
        "inventory-ledger-dead-letters",
        ServiceMetrics(SERVICE),
        Failpoints(""),
        max_attempts=2,
        backoff_seconds=0,
    )


def batch_of(count: int) -> tuple[list[uuid.UUID], tuple[Record, ...]]:
    orders = [uuid.uuid4() for _ in range(count)]
    records = tuple(
        Record(encode(StockReserved(correlation_id=o, order_id=o, allocations=())), offset=n)
        for n, o in enumerate(orders)
    )
    return orders, records


async def applied(pool: Any) -> list[uuid.UUID]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT order_id FROM batch_probe ORDER BY seq")
    return [r["order_id"] for r in rows]


async def published(pool: Any) -> list[uuid.UUID]:
    """The orders of the outbox's events, in the order the relay would publish them."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
    return [StockReserved.model_validate_json(r["payload"]).order_id for r in rows]


def routed_to(handle: Any) -> dict[str, list[Route]]:
    return {"stock-reservations": [Route("probe", Decoder(StockReserved), handle)]}


async def run(probe: Probe, broker: Broker, records: tuple[Record, ...]) -> None:
    await run_batch(runner(broker), probe.pool, records, routed_to(probe))


async def test_a_batch_is_one_transaction_applied_in_the_order_of_its_records(pool: Any) -> None:
    probe, orders_and_records = Probe(pool), batch_of(5)
    orders, records = orders_and_records

    await run(probe, Broker(), records)

    assert await applied(pool) == orders
    assert await published(pool) == orders, "the events in one statement, in order"
    assert probe.seen_by_others == [0, 0, 0, 0, 0], "nothing visible before the batch commits"


async def test_a_poison_record_and_a_failing_use_case_are_parked_alone(pool: Any) -> None:
    orders, records = batch_of(5)
    poison = Record(b"{not json", offset=99)
    probe, broker = Probe(pool, failing={orders[2]}), Broker()

    await run(probe, broker, (*records[:2], poison, *records[2:]))

    assert await applied(pool) == [o for o in orders if o != orders[2]], "its insert undone"
    assert await published(pool) == [o for o in orders if o != orders[2]], "its event too"
    parked = {p["headers"]["x-origin-offset"]: p["headers"]["x-error"] for p in broker.published}
    assert parked == {
        "99": parked["99"],
        "2": "RuntimeError: this order cannot be handled",
    }
    assert parked["99"].startswith("ValidationError")


async def test_a_batch_redelivered_after_its_commit_applies_nothing_twice(pool: Any) -> None:
    orders, records = batch_of(4)
    probe, broker = Probe(pool), Broker()

    await run(probe, broker, records)
    await run(probe, broker, records)  # the offsets were never committed: Kafka sends it again

    assert await applied(pool) == orders
    assert await published(pool) == orders
    assert broker.published == []


async def test_a_lost_database_runs_the_whole_batch_again_nothing_parked(pool: Any) -> None:
    orders, records = batch_of(4)
    probe, broker = Probe(pool, outages=3), Broker()

    await run(probe, broker, records)

    assert await applied(pool) == orders
    assert broker.published == []


async def test_a_lock_conflict_runs_the_messages_one_transaction_each(pool: Any) -> None:
    orders, records = batch_of(4)
    probe, broker = Probe(pool, conflicts=1), Broker()

    await run(probe, broker, records)

    assert await applied(pool) == orders
    assert await published(pool) == orders, "the rolled-back batch's events are gone"
    assert broker.published == []
    assert probe.seen_by_others[-3:] == [1, 2, 3], "each message committed on its own"


async def test_work_started_inside_a_batch_and_finishing_after_it_has_its_own_transaction(
    pool: Any,
) -> None:
    later: list[asyncio.Task[None]] = []
    probe = Probe(pool)
    _, records = batch_of(1)
    [_, (second,)] = batch_of(1)

    async def starts_a_task(event: StockReserved) -> None:
        async def afterwards() -> None:
            await asyncio.sleep(0.05)
            await probe(StockReserved.model_validate_json(second.value))

        later.append(asyncio.create_task(afterwards()))
        await probe(event)

    await run_batch(runner(Broker()), pool, records, routed_to(starts_a_task))
    await asyncio.gather(*later)

    assert len(await applied(pool)) == 2, "the task's unit of work committed on its own"


async def test_one_batch_of_several_topics_reaches_each_topics_use_cases(pool: Any) -> None:
    """One consumer group per service: a batch mixes the service's topics; each record
    goes to every use case its topic is routed to, under that use case's own name."""
    orders, records = batch_of(4)
    mixed = (records[0], replace(records[1], topic="shipments"), records[2], records[3])

    def use_case(name: str, failing: uuid.UUID | None = None) -> Any:
        async def handle(event: StockReserved) -> None:
            async with UnitOfWork(pool, SERVICE, "") as uow:
                if await uow.inbox.claim(name, event.event_id):
                    if event.order_id == failing:
                        raise RuntimeError(f"{name} cannot handle this order")
                    await uow.commit()

        return handle

    reservations = [
        Route("reserved", Decoder(StockReserved), use_case("reserved")),
        Route("audit", Decoder(StockReserved), use_case("audit", failing=orders[2])),
    ]
    routes = {
        "stock-reservations": reservations,
        "shipments": [Route("shipped", Decoder(StockReserved), use_case("shipped"))],
    }
    broker = Broker()

    await run_batch(runner(broker), pool, mixed, routes)
    await run_batch(runner(broker), pool, mixed, routes)  # redelivered: nothing twice

    by_event = {StockReserved.model_validate_json(r.value).event_id: r for r in records}
    async with pool.acquire() as conn:
        claims = await conn.fetch(
            "SELECT consumer, event_id FROM inbox WHERE event_id = ANY($1)", list(by_event)
        )
    applied_by = sorted((c["consumer"], by_event[c["event_id"]].offset) for c in claims)
    assert applied_by == [
        ("audit", 0),
        ("audit", 3),
        ("reserved", 0),
        ("reserved", 2),
        ("reserved", 3),
        ("shipped", 1),
    ], "each record by each use case its topic is routed to, once"
    parked = [
        (p["headers"]["x-consumer"], p["headers"]["x-origin-offset"]) for p in broker.published
    ]
    assert parked == [("audit", "2"), ("audit", "2")], "parked under its use case, each run"


async def inbox_rows(pool: Any, consumer: str) -> int:
    async with pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", consumer))


@dataclass
class Flaky(Probe):
    """Fails each of its orders' first attempt: the retry must find its claim again."""

    tried: set[uuid.UUID] = field(default_factory=set)

    async def _faults(self, event: StockReserved) -> None:
        if event.order_id not in self.tried:
            self.tried.add(event.order_id)
            raise RuntimeError("first attempt fails")


async def test_once_a_use_case_is_seen_claiming_its_batches_claims_are_taken_ahead(
    pool: Any,
) -> None:
    """The runner learns from a first batch that the use case claims; later batches take
    their claims in one statement. A parked message's claim is given back (its replay
    runs), a retried one finds its claim again, a redelivery still applies nothing."""
    learning, broker = runner(Broker()), Broker()
    first, records = batch_of(2)
    await run_batch(learning, pool, records, routed_to(Probe(pool)))
    assert learning.claiming == {("probe", StockReserved)}

    orders, records = batch_of(5)
    claimed_before = await inbox_rows(pool, "probe")
    same = runner(broker)
    same.claiming = learning.claiming
    failing = Probe(pool, failing={orders[1]})
    await run_batch(same, pool, records, routed_to(failing))
    await run_batch(same, pool, records, routed_to(failing))  # redelivered

    assert await applied(pool) == first + [o for o in orders if o != orders[1]]
    assert [p["headers"]["x-origin-offset"] for p in broker.published] == ["1", "1"]
    assert await inbox_rows(pool, "probe") == claimed_before + 4, "the parked one's given back"

    retried, records = batch_of(3)
    await run_batch(same, pool, records, routed_to(Flaky(pool)))
    assert (await applied(pool))[-3:] == retried, "each applied on its retry, once"


async def test_a_use_case_that_never_claims_gets_no_claim_taken_for_it(pool: Any) -> None:
    async def unclaimed(event: StockReserved) -> None:
        async with UnitOfWork(pool, SERVICE, "") as uow:
            await uow.connection.execute(
                "INSERT INTO batch_probe (order_id) VALUES ($1)", event.order_id
            )
            await uow.commit()

    same, seen = runner(Broker()), []
    for _ in range(2):
        _, records = batch_of(3)
        seen += [StockReserved.model_validate_json(r.value).event_id for r in records]
        await run_batch(same, pool, records, routed_to(unclaimed))

    assert same.claiming == set() and len(await applied(pool)) == 6
    async with pool.acquire() as conn:
        claimed = await conn.fetchval("SELECT count(*) FROM inbox WHERE event_id = ANY($1)", seen)
    assert claimed == 0
