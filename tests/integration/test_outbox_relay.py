"""The relay publishes committed outbox rows, in order, with the envelope in headers."""

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.db import UnitOfWork
from shared.events.inventory import StockLevelChanged
from shared.metrics import ServiceMetrics
from shared.outbox import NotTheWriter
from shared.relay import OutboxRelay
from shared.topics import STOCK_LEVELS
from tools.provisioning import ensure_topics


async def read_all(kafka: str, topic: str, partitions: int) -> list:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        records = []
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def level(sku: str, version: int) -> StockLevelChanged:
    return StockLevelChanged(
        correlation_id=uuid.uuid4(),
        sku=sku,
        location="l",
        on_hand=version,
        reserved=0,
        available=version,
        version=version,
    )


@pytest.fixture
async def relay(ledger_pool, infra, database_url):
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, acks="all", enable_idempotence=True)
    await producer.start()
    relay = OutboxRelay(
        ledger_pool, database_url, "inventory_ledger", producer, ServiceMetrics("t"), 50, 0.2
    )
    yield relay
    await relay.stop()
    await producer.stop()


async def test_committed_events_are_published_in_order_per_key_and_removed(
    ledger_pool, relay, infra, topic_prefix
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    sku = f"ORD-{uuid.uuid4().hex[:6]}"
    events = [level(sku, v) for v in range(1, 121)]
    async with UnitOfWork(ledger_pool, "inventory-ledger", topic_prefix) as uow:
        await uow.outbox.add_all([(e, sku) for e in events])
        await uow.commit()

    while await relay.publish_batch():
        pass

    records = await read_all(
        infra.kafka, STOCK_LEVELS.qualified(topic_prefix), STOCK_LEVELS.partitions
    )
    assert [json.loads(r.value)["version"] for r in records] == list(range(1, 121))
    assert {dict(r.headers)["event_type"] for r in records} == {b"StockLevelChanged"}
    assert dict(records[0].headers)["event_id"] == str(events[0].event_id).encode()
    assert await ledger_pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_events_of_a_rolled_back_transaction_are_never_published(
    ledger_pool, relay, infra, topic_prefix
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    async with UnitOfWork(ledger_pool, "inventory-ledger", topic_prefix) as uow:
        await uow.outbox.add(level("GONE", 1), "GONE")
        # no commit: the state change failed

    assert await relay.publish_batch() == 0
    records = await read_all(
        infra.kafka, STOCK_LEVELS.qualified(topic_prefix), STOCK_LEVELS.partitions
    )
    assert records == []


async def test_the_relay_wakes_on_notify_and_publishes_without_waiting_for_a_poll(
    ledger_pool, infra, database_url, topic_prefix
) -> None:
    await ensure_topics(infra.kafka, topic_prefix)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, acks="all", enable_idempotence=True)
    await producer.start()
    relay = OutboxRelay(
        ledger_pool, database_url, "inventory_ledger", producer, ServiceMetrics("t"), 50, 30
    )
    await relay.start()
    try:
        await asyncio.sleep(0.5)  # let the first (empty) pass finish; the next poll is 30 s away
        async with UnitOfWork(ledger_pool, "inventory-ledger", topic_prefix) as uow:
            await uow.outbox.add(level("WAKE", 1), "WAKE")
            await uow.commit()
        for _ in range(100):
            if await ledger_pool.fetchval("SELECT count(*) FROM outbox") == 0:
                break
            await asyncio.sleep(0.05)
        assert await ledger_pool.fetchval("SELECT count(*) FROM outbox") == 0
    finally:
        await relay.stop()
        await producer.stop()


async def test_a_service_cannot_write_a_topic_it_does_not_own(ledger_pool) -> None:
    from shared.events.orders import OrderStatus, OrderStatusChanged

    foreign = OrderStatusChanged(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        channel="c",
        from_status=None,
        to_status=OrderStatus.PLACED,
    )
    async with UnitOfWork(ledger_pool, "inventory-ledger", "") as uow:
        with pytest.raises(NotTheWriter, match="order-router"):
            await uow.outbox.add(foreign, "k")
