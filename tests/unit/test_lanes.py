"""A member's lanes: a topic's slow batch holds no other topic back; a partition's records
run in offset order, one batch at a time, and commit only after they ran; a backlog
pauses its partitions; a revocation drops what is queued and waits for what runs."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, RequestTimedOutError

from shared import lanes as lanes_module
from shared.lanes import Lanes
from shared.metrics import ServiceMetrics


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int


@dataclass
class Consumer:
    """What the lanes use of an aiokafka consumer."""

    owned: set[TopicPartition] = field(default_factory=set)
    committed: dict[TopicPartition, int] = field(default_factory=dict)
    paused: set[TopicPartition] = field(default_factory=set)
    commits: int = 0  # requests sent
    refusals: list[Exception] = field(default_factory=list)  # what the next commits raise

    def assignment(self) -> set[TopicPartition]:
        return set(self.owned)

    async def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self.commits += 1
        if self.refusals:
            raise self.refusals.pop(0)
        for tp, meta in offsets.items():
            self.committed[tp] = meta.offset

    def pause(self, *partitions: TopicPartition) -> None:
        self.paused |= set(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.paused -= set(partitions)


@dataclass
class Runs:
    """The batches run, with a gate per topic a test may close, and failures to throw."""

    batches: list[tuple[Record, ...]] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    failures: int = 0
    running: set[str] = field(default_factory=set)

    async def __call__(self, records: tuple[Record, ...]) -> None:
        topic = records[0].topic
        self.running.add(topic)
        try:
            gate = self.gates.get(topic)
            if gate is not None:
                await gate.wait()
            if self.failures:
                self.failures -= 1
                raise ConnectionResetError("database went away mid-batch")
            self.batches.append(records)
        finally:
            self.running.discard(topic)

    def offsets(self, topic: str) -> list[tuple[int, int]]:
        return [(r.partition, r.offset) for b in self.batches for r in b if r.topic == topic]


def records(topic: str, partition: int, offsets: range) -> list[Record]:
    return [Record(topic, partition, o) for o in offsets]


def owning(*topics: str, partitions: int = 2) -> Consumer:
    return Consumer(owned={TopicPartition(t, p) for t in topics for p in range(partitions)})


def member(
    runs: Runs, consumer: Consumer, batch_size: int, backoff: float = 0.01, commit_every: float = 0
) -> Lanes:
    """Lanes given the consumer's partitions by the group."""
    lanes = Lanes(runs, batch_size, backoff, commit_every)
    lanes.assigned(consumer.assignment())
    return lanes


async def settled(runs: Runs) -> None:
    """Until every lane not held at a closed gate has run what it could."""
    for _ in range(50):
        await asyncio.sleep(0)
    for _ in range(1000):
        held = {t for t, g in runs.gates.items() if not g.is_set()}
        if not runs.running - held:
            break
        await asyncio.sleep(0.001)
    for _ in range(20):  # the offsets noted reach the consumer
        await asyncio.sleep(0)


async def held_first_batch(batch_size: int, failures: int = 0) -> tuple[Runs, Consumer, Lanes]:
    """A member reading "orders" whose first batch (partition 0, offsets 0 and 1) is
    running, held at its topic's gate."""
    runs = Runs(gates={"orders": asyncio.Event()}, failures=failures)
    consumer = owning("orders")
    lanes = member(runs, consumer, batch_size, 0.01)
    lanes.take(consumer, records("orders", 0, range(2)))
    await settled(runs)
    return runs, consumer, lanes


async def test_a_slow_topic_holds_back_no_other_topic() -> None:
    runs = Runs(gates={"dispatches": asyncio.Event()})
    consumer = owning("dispatches", "orders")
    lanes = member(runs, consumer, 50, 0.01)
    lanes.take(consumer, records("dispatches", 0, range(3)) + records("orders", 1, range(2)))
    await settled(runs)
    assert runs.offsets("orders") == [(1, 0), (1, 1)]
    assert consumer.committed == {TopicPartition("orders", 1): 2}, "committed on its own"
    runs.gates["dispatches"].set()
    await settled(runs)
    assert consumer.committed[TopicPartition("dispatches", 0)] == 3
    await lanes.close()


async def test_a_partition_runs_in_offset_order_one_batch_at_a_time() -> None:
    runs, consumer, lanes = await held_first_batch(3)
    lanes.take(consumer, records("orders", 0, range(2, 7)) + records("orders", 1, range(2)))
    assert consumer.committed == {}, "nothing committed before its batch ran"
    runs.gates["orders"].set()
    await settled(runs)
    assert [len(b) for b in runs.batches] == [2, 3, 3, 1]
    by_partition: dict[int, list[int]] = defaultdict(list)
    for partition, offset in runs.offsets("orders"):
        by_partition[partition].append(offset)
    assert by_partition == {0: list(range(7)), 1: [0, 1]}
    assert consumer.committed == {TopicPartition("orders", 0): 7, TopicPartition("orders", 1): 2}
    await lanes.close()


async def test_a_failing_batch_runs_again_in_place_and_commits_only_once_it_passed() -> None:
    runs = Runs(failures=2)
    consumer = owning("orders")
    lanes = member(runs, consumer, 50, 0.001)
    lanes.take(consumer, records("orders", 0, range(3)))
    for _ in range(200):
        if consumer.committed:
            break
        await asyncio.sleep(0.01)
    assert runs.offsets("orders") == [(0, 0), (0, 1), (0, 2)], "the same records, once passed"
    assert consumer.committed == {TopicPartition("orders", 0): 3}
    await lanes.close()


async def test_a_backlog_pauses_its_partitions_until_the_lane_caught_up() -> None:
    runs = Runs(gates={"orders": asyncio.Event()})
    consumer = owning("orders", "levels")
    queued = ServiceMetrics("inventory-ledger").lane_queued
    lanes = Lanes(runs, 2, 0.01, 0, queued)
    lanes.assigned(consumer.assignment())
    lanes.take(consumer, records("orders", 0, range(1)))
    await settled(runs)
    backlog = 2 * lanes_module.BACKLOG_BATCHES
    lanes.take(consumer, records("orders", 0, range(1, 1 + backlog)) + records("levels", 1, [0]))
    assert consumer.paused == {TopicPartition("orders", 0)}, "only the backlogged lane's"
    assert queued.labels("orders")._value.get() == backlog, "the backlog shown"
    runs.gates["orders"].set()
    await settled(runs)
    assert consumer.paused == set()
    assert consumer.committed[TopicPartition("orders", 0)] == 1 + backlog
    assert queued.labels("orders")._value.get() == 0
    await lanes.close()


async def test_a_revocation_drops_the_queue_and_waits_for_the_batch_in_flight() -> None:
    runs, consumer, lanes = await held_first_batch(2)
    lanes.take(consumer, records("orders", 0, range(2, 6)))
    leaving = {TopicPartition("orders", 0), TopicPartition("orders", 1)}
    revocation = asyncio.create_task(lanes.revoked(leaving))
    await asyncio.sleep(0.01)
    assert not revocation.done(), "the batch in flight commits before its partitions leave"
    runs.gates["orders"].set()
    await revocation
    assert consumer.committed == {TopicPartition("orders", 0): 2}
    lanes.take(consumer, records("orders", 0, range(6, 8)))  # fetched before it left
    await settled(runs)
    assert runs.offsets("orders") == [(0, 0), (0, 1)], "queued and late records dropped"
    lanes.assigned({TopicPartition("orders", 0)})
    lanes.take(consumer, records("orders", 0, range(2, 4)))  # from the committed offset
    await settled(runs)
    assert runs.offsets("orders")[2:] == [(0, 2), (0, 3)]
    await lanes.close()


async def test_a_batch_failing_after_its_partitions_left_is_not_committed() -> None:
    runs, consumer, lanes = await held_first_batch(2, failures=1)
    revocation = asyncio.create_task(lanes.revoked({TopicPartition("orders", 0)}))
    runs.gates["orders"].set()
    await revocation
    await settled(runs)
    assert runs.batches == [] and consumer.committed == {}, "left to the next owner"
    await lanes.close()


async def test_closing_lets_the_batch_in_flight_commit_and_queues_nothing_more() -> None:
    runs = Runs(gates={"orders": asyncio.Event()})
    consumer = owning("orders")
    lanes = member(runs, consumer, 2, 0.01)
    lanes.take(consumer, records("orders", 0, range(4)))
    await settled(runs)
    closing = asyncio.create_task(lanes.close())
    await asyncio.sleep(0.01)
    runs.gates["orders"].set()
    await closing
    lanes.take(consumer, records("orders", 0, range(4, 6)))
    await asyncio.sleep(0.01)
    assert runs.offsets("orders") == [(0, 0), (0, 1)]
    assert consumer.committed == {TopicPartition("orders", 0): 2}


async def test_the_offsets_of_batches_close_together_go_in_one_commit() -> None:
    runs = Runs()
    consumer = owning("orders", "levels")
    lanes = member(runs, consumer, 2, commit_every=0.05)
    lanes.take(consumer, records("orders", 0, range(6)) + records("levels", 1, range(3)))
    await settled(runs)
    assert len(runs.batches) == 5 and consumer.commits == 0, "not before the interval"
    await asyncio.sleep(0.1)
    assert consumer.commits == 1
    assert consumer.committed == {TopicPartition("orders", 0): 6, TopicPartition("levels", 1): 3}
    await lanes.close()


async def test_a_commit_kafka_refuses_for_now_is_sent_again_and_a_moved_group_is_left() -> None:
    runs, consumer = Runs(), owning("orders")
    consumer.refusals = [RequestTimedOutError()]
    lanes = member(runs, consumer, 10, commit_every=0.01)
    lanes.take(consumer, records("orders", 0, range(2)))
    for _ in range(100):
        if consumer.committed:
            break
        await asyncio.sleep(0.01)
    assert consumer.committed == {TopicPartition("orders", 0): 2}, "sent again"
    consumer.refusals = [CommitFailedError()]
    lanes.take(consumer, records("orders", 0, range(2, 4)))
    await asyncio.sleep(0.1)
    assert consumer.commits == 3 and lanes.offsets.uncommitted == 0, "refused for good: left"
    assert consumer.committed == {TopicPartition("orders", 0): 2}
    await lanes.close()
