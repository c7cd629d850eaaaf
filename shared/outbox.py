"""Transactional outbox: outgoing events are rows written in the state change's transaction.

Nothing is published here; `shared.relay.OutboxRelay` publishes committed rows. The
outbox also enforces the one-writer rule: a service can only append events for the
topics whose writer it is.
"""

import asyncpg

from shared.events.codec import encode, headers_of
from shared.events.envelope import Event
from shared.topics import topic_for


class NotTheWriter(RuntimeError):
    """A service tried to publish to a topic owned by another service."""


class Outbox:
    def __init__(self, conn: asyncpg.Connection, service: str, topic_prefix: str) -> None:
        self._conn = conn
        self._service = service
        self._topic_prefix = topic_prefix

    async def add(self, event: Event, key: str) -> None:
        topic = topic_for(type(event))
        if topic.writer != self._service:
            raise NotTheWriter(f"{self._service} may not write {topic.name} ({topic.writer} does)")
        await self._conn.execute(
            "INSERT INTO outbox (topic, key, event_id, event_type, payload, headers)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            topic.qualified(self._topic_prefix),
            key,
            event.event_id,
            event.event_type,
            encode(event),
            headers_of(event),
        )

    async def add_all(self, keyed_events: list[tuple[Event, str]]) -> None:
        for event, key in keyed_events:
            await self.add(event, key)
