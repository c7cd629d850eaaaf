"""The null pipeline: the same Kafka hops and PostgreSQL transactions per order as the hub's
path from webhook to StockReserved, with no logic — the floor the hub is measured against.

Per order: (0) a transaction storing the delivery, then a produce to `placed`;
(1) consume `placed`, a transaction, produce to `commands`; (2) consume `commands`, a
transaction updating a stock row, produce to `verdicts`. Every produce is acks=all and
idempotent, every consume commits its offset after the transaction, as in the hub.
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


class NullPipeline:
    def __init__(self, kafka: str, database_url: str) -> None:
        self.kafka = kafka
        self.database_url = database_url
        self.run_id = uuid.uuid4().hex[:8]
        self.topics = [f"null-{self.run_id}-{name}" for name in ("placed", "commands", "verdicts")]
        self.tasks: list[asyncio.Task[None]] = []

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
        stage = [
            self._stage(self.topics[0], self.topics[1], "INSERT INTO null_orders VALUES ($1, $2)"),
            self._stage(
                self.topics[1],
                self.topics[2],
                "UPDATE null_stock SET reserved = reserved + 1 WHERE sku = 'SKU' AND $1::uuid"
                " IS NOT NULL AND $2::bytea IS NOT NULL",
            ),
        ]
        self.tasks = [asyncio.create_task(s) for s in stage]

    async def place(self, body: bytes) -> None:
        """Stage 0, what the gateway does per webhook: store, then publish."""
        key = uuid.uuid4()
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO null_deliveries VALUES ($1, $2)", key, body)
        await self.producer.send_and_wait(self.topics[0], body, key=key.bytes)

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
            async for record in consumer:
                async with self.pool.acquire() as conn, conn.transaction():
                    await conn.execute(sql, uuid.UUID(bytes=record.key), record.value)
                await self.producer.send_and_wait(target, record.value, key=record.key)
                await consumer.commit()
        finally:
            await consumer.stop()

    async def stop(self) -> Any:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.producer.stop()
        await self.pool.close()
