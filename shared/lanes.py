"""A group member's records, queued in one lane per topic: its fetch loop never waits.

Before, a member fetched, ran the fetch's topics and only then fetched again, so an
order that arrived while the ledger wrote a slow batch of dispatches waited for that
batch (placed → reserved p99 went 141 → 454 ms in bench run 145524, when the use cases'
groups became one). Now the fetch loop only queues each record in its topic's lane.
Each lane runs what has queued, up to a batch, in one transaction
(`shared.batches.run_batch`), notes those partitions' offsets for the member's next
commit (`shared.offsets`), and takes the next:

- per-key order holds: a partition's records are in one lane, in offset order, and a
  lane runs one batch at a time;
- offsets are committed only after the batch's transaction (and its dead letters);
  a batch that raises is run again in place, in order, until it passes or its
  partitions leave this member;
- a lane with more than a few batches queued pauses its partitions in the consumer
  (Kafka keeps the records) until it has caught up, so memory stays bounded;
- a rebalance drops what is queued for the partitions leaving and waits, up to
  `REVOKE_WAIT_SECONDS`, for the batches in flight to commit, so the next owner starts
  where this member's commits end (past that wait, the inboxes drop what it runs again).
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import structlog
from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream.kafka.annotations import KafkaMessage

from shared.consumer import MAX_WAIT_SECONDS
from shared.offsets import Offsets

log = structlog.get_logger(__name__)

REVOKE_WAIT_SECONDS = 20.0
BACKLOG_BATCHES = 4  # queued batches past which a lane's partitions pause

RunRecords = Callable[[tuple[Any, ...]], Awaitable[None]]


def partition_of(record: Any) -> TopicPartition:
    return TopicPartition(record.topic, record.partition)


@dataclass
class Lane:
    """One topic's queued records and the worker running them."""

    topic: str
    queue: deque[Any] = field(default_factory=deque)
    paused: set[TopicPartition] = field(default_factory=set)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    worker: asyncio.Task[None] | None = None

    def next_batch(self, size: int) -> tuple[Any, ...]:
        return tuple(self.queue.popleft() for _ in range(min(size, len(self.queue))))

    def drop(self, partitions: set[TopicPartition]) -> None:
        self.queue = deque(r for r in self.queue if partition_of(r) not in partitions)
        self.paused -= partitions


class Lanes:
    """The lanes of one group member (one aiokafka consumer)."""

    def __init__(
        self,
        run: RunRecords,
        batch_size: int,
        backoff_seconds: float,
        commit_every: float,
        queued: Any = None,  # a Prometheus gauge by topic: records waiting in each lane
    ) -> None:
        self._run = run
        self._queued = queued
        self._batch = batch_size
        self._backoff = backoff_seconds
        self._lanes: dict[str, Lane] = {}
        self._consumer: Any = None
        self.offsets = Offsets(commit_every)
        # What the group gave this member: aiokafka's own assignment reads empty while a
        # rebalance runs, which is when the batches in flight still commit theirs.
        self._owned: set[TopicPartition] = set()
        self._leaving: set[TopicPartition] = set()  # revoked, not assigned again yet
        self._generation = 0  # bumped by every revocation: a failing batch then gives up
        self.closed = False

    def listener(self) -> ConsumerRebalanceListener:
        return _Listener(self)

    def take(self, consumer: Any, records: Iterable[Any]) -> None:
        """Queue a fetch's records in their topics' lanes (called by the fetch loop)."""
        if self.closed:
            return
        self._consumer = self.offsets.consumer = consumer
        touched: set[str] = set()
        for record in records:
            if partition_of(record) in self._leaving:
                continue  # fetched before the revocation: the next owner reads it
            self._lane(record.topic).queue.append(record)
            touched.add(record.topic)
        for topic in touched:
            lane = self._lanes[topic]
            self._gauge(lane)
            lane.ready.set()
            if len(lane.queue) >= self._batch * BACKLOG_BATCHES:
                self._pause(lane)

    def _gauge(self, lane: Lane) -> None:
        if self._queued is not None:
            self._queued.labels(lane.topic).set(len(lane.queue))

    def _lane(self, topic: str) -> Lane:
        lane = self._lanes.get(topic)
        if lane is None:
            lane = self._lanes[topic] = Lane(topic)
            lane.idle.set()
            lane.worker = asyncio.create_task(self._work(lane), name=f"lane {topic}")
        return lane

    async def _work(self, lane: Lane) -> None:
        while True:
            await lane.ready.wait()
            records = lane.next_batch(self._batch)
            self._gauge(lane)
            if not records:
                lane.ready.clear()
                continue
            lane.idle.clear()
            try:
                await self._settle(records)
            finally:
                lane.idle.set()
                if len(lane.queue) < self._batch * BACKLOG_BATCHES:
                    self._resume(lane)

    async def _settle(self, records: tuple[Any, ...]) -> None:
        """Run the batch until it passes, then commit; give up if its partitions left."""
        generation, attempt = self._generation, 0
        while True:
            try:
                await self._run(records)
                break
            except Exception as exc:
                if self._generation != generation:
                    log.warning("batch failed after its partitions left", error=repr(exc))
                    return
                attempt += 1
                wait = min(self._backoff * 2**attempt, MAX_WAIT_SECONDS)
                log.error("batch failed; run again", error=repr(exc), wait=wait, exc_info=exc)
                await asyncio.sleep(wait)
        self._note_committed(records)

    def _note_committed(self, records: tuple[Any, ...]) -> None:
        """Each partition's next offset, to commit, for the partitions still held."""
        positions = {partition_of(r): r.offset + 1 for r in records}
        self.offsets.note({tp: o for tp, o in positions.items() if tp in self._owned})

    def _pause(self, lane: Lane) -> None:
        owned = self._consumer.assignment()
        more = {partition_of(r) for r in lane.queue} & (owned - lane.paused)
        if more:
            self._consumer.pause(*more)
            lane.paused |= more

    def _resume(self, lane: Lane) -> None:
        if lane.paused and self._consumer is not None:
            owned = self._consumer.assignment()
            self._consumer.resume(*(lane.paused & owned))
            lane.paused.clear()

    async def revoked(self, partitions: set[TopicPartition]) -> None:
        self._generation += 1
        self._leaving |= partitions
        for lane in self._lanes.values():
            lane.drop(partitions)
        await self._in_flight_done()
        await self.offsets.commit(partitions)
        self.offsets.forget(partitions)
        self._owned -= partitions

    def assigned(self, partitions: set[TopicPartition]) -> None:
        self._leaving -= partitions
        self._owned |= partitions

    async def close(self) -> None:
        """Before the consumer stops: nothing more is queued, what runs commits."""
        self.closed = True
        for lane in self._lanes.values():
            lane.queue.clear()
        await self._in_flight_done()
        await self.offsets.close()
        for lane in self._lanes.values():
            if lane.worker is not None:
                lane.worker.cancel()
        await asyncio.gather(
            *(lane.worker for lane in self._lanes.values() if lane.worker), return_exceptions=True
        )

    async def _in_flight_done(self) -> None:
        try:
            await asyncio.wait_for(
                asyncio.gather(*(lane.idle.wait() for lane in self._lanes.values())),
                REVOKE_WAIT_SECONDS,
            )
        except TimeoutError:
            log.warning("batches still running; their partitions leave anyway")


def feed(subscriber: Any, lanes: Lanes, linger_seconds: float) -> None:
    """FastStream's fetch loop for this member, made to feed its lanes:

    - a poll returns as soon as records arrive (FastStream's batch subscriber slept a
      whole batch timeout after an empty poll: a record arriving then waited for nothing);
    - after a poll that found records it lingers `linger_seconds`: the loop no longer
      waits for the database, and polling again at once made Kafka answer a fetch of
      every partition for each record or two (part of its 10.6 → 27.5 ms per order);
    - the records go straight to the lanes, past FastStream's per-call middlewares and
      dependency injection (≈ 9 % of a consumer's CPU, py-spy); the batches keep their
      own metrics. The handler registered (`queue_in`) does the same, for the AsyncAPI
      document and any caller of FastStream's own path."""

    async def get_msg(consumer: Any) -> tuple[Any, ...]:
        found = await consumer.getmany(
            timeout_ms=subscriber.batch_timeout_ms, max_records=subscriber.max_records
        )
        if found:
            await asyncio.sleep(linger_seconds)
        return tuple(chain(*found.values()))  # each partition's records in offset order

    async def consume_one(records: tuple[Any, ...]) -> None:
        lanes.take(subscriber.consumer, records)

    subscriber.get_msg = get_msg
    subscriber.consume_one = consume_one


def queue_in(lanes: Lanes) -> Callable[[KafkaMessage], Awaitable[None]]:
    """A member's handler: its fetch goes into its lanes, and the next fetch starts."""

    async def queue(message: KafkaMessage) -> None:
        records = message.raw_message
        lanes.take(message.consumer, records if isinstance(records, tuple) else (records,))

    return queue


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, lanes: Lanes) -> None:
        self._lanes = lanes

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._lanes.revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._lanes.assigned(set(assigned))
