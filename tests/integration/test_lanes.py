"""A group member's lanes on the real Kafka: a topic held up by a slow batch holds no
other topic back, and a member joining mid-batch makes the group neither lose nor repeat a
record — the batch in flight commits before its partitions move."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.lanes import Lanes
from shared.topics import SHIPMENTS, STOCK_LEVELS
from tests.integration.test_subscriptions import offsets_of
from tools.provisioning import ensure_topics

Seen = tuple[str, int, int]  # topic, partition, offset


@dataclass
class Handled:
    """Every record run, by whom; a gate a test closes to hold one topic's batches."""

    seen: list[tuple[str, Seen]] = field(default_factory=list)
    held_topic: str = ""
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    holding: asyncio.Event = field(default_factory=asyncio.Event)

    def runner(self, member: str) -> Any:
        async def run(records: tuple[Any, ...]) -> None:
            if records[0].topic == self.held_topic and not self.gate.is_set():
                self.holding.set()
                await self.gate.wait()
            self.seen += [(member, (r.topic, r.partition, r.offset)) for r in records]

        return run

    def of(self, topic: str) -> list[Seen]:
        return [s for _, s in self.seen if s[0] == topic]


async def produce(kafka: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=True)
    await producer.start()
    try:
        sent = [await producer.send(topic, b"{}", key=str(i).encode()) for i in range(count)]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


class Watched(Lanes):
    """Lanes that say when a revocation has begun."""

    def __init__(self, run: Any) -> None:
        super().__init__(run, 10, 0.05, 0.05)
        self.revoking = asyncio.Event()

    async def revoked(self, partitions: set[TopicPartition]) -> None:
        if partitions:
            self.revoking.set()
        await super().revoked(partitions)


@asynccontextmanager
async def member(kafka: str, group: str, topics: list[str], run: Any) -> AsyncIterator[Watched]:
    """A group member as the runtime makes one: a fetch loop that only queues."""
    lanes = Watched(run)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=200,
    )
    consumer.subscribe(topics, listener=lanes.listener())
    await consumer.start()

    async def fetch() -> None:
        while True:
            found = await consumer.getmany(timeout_ms=200, max_records=10)
            lanes.take(consumer, chain(*found.values()))

    loop = asyncio.create_task(fetch())
    try:
        yield lanes
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
        await lanes.close()
        await consumer.stop()


async def committed(kafka: str, group: str) -> dict[str, int]:
    """The group's committed offsets summed per topic (= records committed past)."""
    totals: Counter[str] = Counter()
    for (topic, _), offset in (await offsets_of(kafka, group)).items():
        totals[topic] += max(offset, 0)
    return dict(totals)


async def until(condition: Any, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


async def test_a_held_up_topic_holds_no_other_topic_back(infra: Any, topic_prefix: str) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    slow, fast = SHIPMENTS.qualified(topic_prefix), STOCK_LEVELS.qualified(topic_prefix)
    handled, group = Handled(held_topic=slow), f"{topic_prefix}lanes"
    await produce(infra.kafka, slow, 20)
    async with member(infra.kafka, group, [slow, fast], handled.runner("a")):
        await asyncio.wait_for(handled.holding.wait(), 30)
        await produce(infra.kafka, fast, 30)

        async def fast_committed() -> bool:
            return (await committed(infra.kafka, group)).get(fast) == 30

        await until(fast_committed)
        assert len(handled.of(fast)) == 30, "run and committed while the other topic waits"
        assert (await committed(infra.kafka, group)).get(slow, 0) < 20
        handled.gate.set()

        async def all_committed() -> bool:
            return await committed(infra.kafka, group) == {slow: 20, fast: 30}

        await until(all_committed)
    assert sorted(Counter(handled.of(slow)).values()) == [1] * 20


async def test_a_member_joining_mid_batch_loses_and_repeats_nothing(
    infra: Any, topic_prefix: str
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    topic, group = SHIPMENTS.qualified(topic_prefix), f"{topic_prefix}lanes-{uuid.uuid4().hex}"
    handled = Handled(held_topic=topic)
    await produce(infra.kafka, topic, 120)
    async with member(infra.kafka, group, [topic], handled.runner("a")) as first:
        await asyncio.wait_for(handled.holding.wait(), 30)

        async def second() -> None:
            async with member(infra.kafka, group, [topic], handled.runner("b")):
                await until(all_committed)

        async def all_committed() -> bool:
            return (await committed(infra.kafka, group)).get(topic) == 120

        joining = asyncio.create_task(second())  # its join waits for the first's revocation
        await asyncio.wait_for(first.revoking.wait(), 30)
        await asyncio.sleep(0.5)
        assert (await committed(infra.kafka, group)).get(topic, 0) == 0, "the batch still runs"
        handled.gate.set()
        await asyncio.wait_for(joining, 60)
    runs = Counter(handled.of(topic))
    assert len(runs) == 120 and set(runs.values()) == {1}, "each record run exactly once"
    assert {m for m, _ in handled.seen} == {"a", "b"}, "the partitions were shared"
    partitions = {TopicPartition(t, p) for t, p, _ in runs}
    for tp in partitions:
        offsets = [o for m, (t, p, o) in handled.seen if (t, p) == (tp.topic, tp.partition)]
        assert offsets == sorted(offsets), f"{tp} in offset order across the members"
