"""A service's consumption: every use case's topic read by one consumer group.

One group per service, not one per use case: each group member is an aiokafka consumer
with its own fetcher, heartbeat and coordinator, so a group per use case cost Kafka and
the service a fetch loop per use case, most of them idle, and split what arrives into
batches of one or two. Now a member takes what Kafka has for all of the service's
topics, and the batch routes each record by its topic to the use cases that read it,
each under its own consumer name (its inbox claims and dead letters are that use case's,
as before). Per-key order holds: a key's records are on one partition of one topic, and
a batch keeps each partition's records in offset order.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata

from shared.consumer import Handler
from shared.events.codec import Decoder
from shared.topics import Topic

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Route:
    """One use case reading one topic: its consumer name, decoder and handler."""

    consumer: str
    decoder: Decoder
    handle: Handler


Routes = Mapping[str, Sequence[Route]]  # qualified topic -> the use cases reading it


class Subscriptions:
    def __init__(self, service: str, topic_prefix: str) -> None:
        self.group = f"{topic_prefix}{service}"
        self._prefix = topic_prefix
        self.topics: dict[str, Topic] = {}  # qualified name -> topic
        self.routes: dict[str, list[Route]] = {}

    def add(self, topic: Topic, route: Route) -> None:
        name = topic.qualified(self._prefix)
        self.topics[name] = topic
        self.routes.setdefault(name, []).append(route)

    def workers(self, wanted: int) -> int:
        """More members than the widest topic has partitions would idle."""
        return min(wanted, max((t.partitions for t in self.topics.values()), default=0))

    def description(self) -> str:
        return " ".join(
            f"{t.name}: keyed by {t.key}, written by {t.writer}; events "
            + ", ".join(e.__name__ for e in t.event_types)
            + "."
            for t in self.topics.values()
        )

    def former_groups(self) -> dict[str, set[str]]:
        """The groups of one use case each that this group replaces, and their topics."""
        former: dict[str, set[str]] = {}
        for name, routes in self.routes.items():
            for route in routes:
                former.setdefault(f"{self._prefix}{route.consumer}", set()).add(name)
        return former


async def carry_offsets_over(bootstrap_servers: str, subscriptions: Subscriptions) -> None:
    """As `_carry_over`, waiting out what a broker says will pass (a fresh cluster's
    group coordinator not elected yet, a coordinator moving)."""
    for attempt in range(60):
        try:
            return await _carry_over(bootstrap_servers, subscriptions)
        except KafkaError as exc:
            if not exc.retriable or attempt == 59:
                raise
            log.info("offsets not carried over yet; retrying", error=repr(exc))
            await asyncio.sleep(0.5)


async def _carry_over(bootstrap_servers: str, subscriptions: Subscriptions) -> None:
    """Upgrading a hub that ran a group per use case: the service's group starts where
    those groups left off, rather than from the start of every topic (the inboxes would
    drop the replay, but a week of events read again is an hour of catching up). Done
    once, while the new group has no offsets; a partition some former group never read
    is left to start from the beginning, as that group would have."""
    if not subscriptions.topics:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        if await admin.list_consumer_group_offsets(subscriptions.group):
            return
        starts = await _former_positions(admin, subscriptions.former_groups())
    finally:
        await admin.close()
    if starts:
        await _commit(bootstrap_servers, subscriptions.group, starts)
        log.info("offsets carried over", group=subscriptions.group, partitions=len(starts))


async def _former_positions(admin: Any, former: dict[str, set[str]]) -> dict[TopicPartition, int]:
    """Per partition, the earliest position among the former groups that read its topic;
    a partition one of them holds no position for is left out (read from its start)."""
    known = {g for g, *_ in await admin.list_consumer_groups()}
    held: dict[str, dict[TopicPartition, int]] = {}
    for group in former.keys() & known:
        offsets = await admin.list_consumer_group_offsets(group)
        held[group] = {tp: m.offset for tp, m in offsets.items() if m.offset >= 0}
    partitions = {tp for offsets in held.values() for tp in offsets}
    starts: dict[TopicPartition, int] = {}
    for tp in partitions:
        readers = [g for g, topics in former.items() if tp.topic in topics]
        if readers and all(tp in held.get(g, {}) for g in readers):
            starts[tp] = min(held[g][tp] for g in readers)
    return starts


async def _commit(bootstrap_servers: str, group: str, starts: dict[TopicPartition, int]) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(starts))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in starts.items()})
    finally:
        await consumer.stop()
