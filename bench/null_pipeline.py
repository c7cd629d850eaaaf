"""The null pipeline: the same Kafka hops and durable PostgreSQL transactions per order as
the hub's path from webhook to StockReserved, with no logic and done in batches — the
honest limit of these hops on this machine, which the hub is measured against.

Per order: (0) the delivery stored, then produced to `placed` — deliveries arriving
together share one transaction (group commit) before any of them is answered;
(1) consume `placed`, store the orders, produce to `commands`; (2) consume `commands`,
update the stock row, produce to `verdicts`. Each stage takes what Kafka has, writes it
in one transaction with set-based SQL, produces every record then awaits all the acks,
and commits the offsets once. Every produce is acks=all and idempotent, every offset
commit follows its transaction, as in the hub.
"""

import asyncio
import uuid
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

SETUP = """
CREATE TABLE IF NOT EXISTS null_deliveries (id uuid PRIMARY KEY, body bytea);
CREATE TABLE IF NOT EXISTS null_orders (id uuid PRIMARY KEY, body bytea);
CREATE TABLE IF NOT EXISTS null_stock (sku text PRIMARY KEY, reserved bigint NOT NULL);
INSERT INTO null_stock VALUES ('SKU', 0) ON CONFLICT DO NOTHING;
"""
STORE_DELIVERIES = "INSERT INTO null_deliveries SELECT * FROM unnest($1::uuid[], $2::bytea[])"
STORE_ORDERS = "INSERT INTO null_orders SELECT * FROM unnest($1::uuid[], $2::bytea[])"
RESERVE = "UPDATE null_stock SET reserved = reserved + cardinality($1::uuid[]) WHERE sku = 'SKU'"
BATCH = 500


class NullPipeline:
    def __init__(self, kafka: str, database_url: str) -> None:
        self.kafka = kafka
        self.database_url = database_url
        self.run_id = uuid.uuid4().hex[:8]
        self.topics = [f"null-{self.run_id}-{name}" for name in ("placed", "commands", "verdicts")]
        self.tasks: list[asyncio.Task[None]] = []
        self._waiting: list[tuple[uuid.UUID, bytes, asyncio.Future[None]]] = []
        self._arrived = asyncio.Event()

    async def start(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka)
        await admin.start()
        await admin.create_topics([NewTopic(t, 6, 1) for t in self.topics])
        await admin.close()
        self.pool = await asyncpg.create_pool(self.database_url, min_size=2, max_size=10)
        await self.pool.execute(SETUP)
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.kafka, acks="all", enable_idempotence=True, linger_ms=2
        )
        await self.producer.start()
        self.tasks = [
            asyncio.create_task(self._group_commit()),
            asyncio.create_task(self._stage(self.topics[0], self.topics[1], STORE_ORDERS)),
            asyncio.create_task(self._stage(self.topics[1], self.topics[2], RESERVE)),
        ]

    async def place(self, body: bytes) -> bytes:
        """Stage 0, what the gateway does per webhook: answered once stored and published.
        Returns the order's key."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        key = uuid.uuid4()
        self._waiting.append((key, body, done))
        self._arrived.set()
        await done
        return key.bytes

    async def _group_commit(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            group, self._waiting = self._waiting, []
            keys, bodies = [k for k, _, _ in group], [b for _, b, _ in group]
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(STORE_DELIVERIES, keys, bodies)
            await self._produce(
                self.topics[0], [(k.bytes, b) for k, b in zip(keys, bodies, strict=True)]
            )
            for _, _, done in group:
                done.set_result(None)

    async def _produce(self, topic: str, records: list[tuple[bytes, bytes]]) -> None:
        sent = [await self.producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*sent)

    async def _stage(self, source: str, target: str, sql: str) -> None:
        consumer = AIOKafkaConsumer(
            source,
            bootstrap_servers=self.kafka,
            group_id=f"{source}-g",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            while True:
                found = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
                records = [r for batch in found.values() for r in batch]
                if not records:
                    continue
                keys = [uuid.UUID(bytes=r.key) for r in records]
                args = (keys, [r.value for r in records]) if "unnest" in sql else (keys,)
                async with self.pool.acquire() as conn, conn.transaction():
                    await conn.execute(sql, *args)
                await self._produce(target, [(r.key, r.value) for r in records])
                await consumer.commit()
        finally:
            await consumer.stop()

    async def stop(self) -> Any:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.producer.stop()
        await self.pool.close()
