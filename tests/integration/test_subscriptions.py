"""Upgrading to one consumer group per service on the real Kafka: the service's group
starts where its use cases' former groups left off, never past what one of them read."""

from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from shared.events.codec import Decoder
from shared.events.inventory import StockLevelChanged
from shared.subscriptions import Route, Subscriptions, carry_offsets_over
from shared.topics import SHIPMENTS, STOCK_LEVELS
from tools.provisioning import ensure_topics


async def nothing(event: Any) -> None:
    return None


def service_reading(prefix: str) -> Subscriptions:
    subscriptions = Subscriptions("order-router", prefix)
    decoder = Decoder(StockLevelChanged)
    subscriptions.add(STOCK_LEVELS, Route("order-router.retry-backorders", decoder, nothing))
    subscriptions.add(STOCK_LEVELS, Route("order-router.watch-levels", decoder, nothing))
    subscriptions.add(SHIPMENTS, Route("order-router.follow-shipments", decoder, nothing))
    return subscriptions


async def commit(kafka: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()})
    finally:
        await consumer.stop()


async def offsets_of(kafka: str, group: str) -> dict[tuple[str, int], int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {(tp.topic, tp.partition): meta.offset for tp, meta in found.items()}


async def test_the_service_group_starts_at_the_earliest_position_of_its_former_groups(
    infra: Any, topic_prefix: str
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    levels, shipments = STOCK_LEVELS.qualified(topic_prefix), SHIPMENTS.qualified(topic_prefix)
    former = f"{topic_prefix}order-router."
    await commit(infra.kafka, former + "retry-backorders", {TopicPartition(levels, 0): 7})
    await commit(infra.kafka, former + "retry-backorders", {TopicPartition(levels, 1): 3})
    await commit(infra.kafka, former + "watch-levels", {TopicPartition(levels, 0): 5})
    await commit(infra.kafka, former + "follow-shipments", {TopicPartition(shipments, 2): 9})
    subscriptions = service_reading(topic_prefix)

    await carry_offsets_over(infra.kafka, subscriptions)

    assert await offsets_of(infra.kafka, subscriptions.group) == {
        (levels, 0): 5,  # the use case that had read less
        (shipments, 2): 9,
        # levels/1: watch-levels never read it, so the group reads it from the start
    }


async def test_offsets_are_carried_over_once_never_over_the_groups_own(
    infra: Any, topic_prefix: str
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    shipments = SHIPMENTS.qualified(topic_prefix)
    subscriptions = service_reading(topic_prefix)
    await commit(infra.kafka, subscriptions.group, {TopicPartition(shipments, 0): 40})
    await commit(
        infra.kafka,
        f"{topic_prefix}order-router.follow-shipments",
        {TopicPartition(shipments, 0): 2},
    )

    await carry_offsets_over(infra.kafka, subscriptions)

    assert await offsets_of(infra.kafka, subscriptions.group) == {(shipments, 0): 40}
