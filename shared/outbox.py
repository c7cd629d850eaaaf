"""Transactional outbox: outgoing events are rows written in the state change's transaction.

Nothing is published here; `shared.relay.OutboxRelay` publishes committed rows. The
outbox also enforces the one-writer rule: a service can only append events for the
topics whose writer it is. Events added are kept until their unit of work commits, then
written in one statement (a batch writes all its units' events in one), in the order
they were added: their ids are the order the relay publishes them in.
"""

from typing import Any

import asyncpg

from shared.events.codec import encode, headers_of
from shared.events.envelope import Event
from shared.topics import topic_for


class NotTheWriter(RuntimeError):
    """A service tried to publish to a topic owned by another service."""


Row = tuple[str, str, Any, str, bytes, dict[str, str]]

_APPEND = """
INSERT INTO outbox (topic, key, event_id, event_type, payload, headers)
SELECT topic, key, event_id, event_type, payload, headers
FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::bytea[], $6::jsonb[])
     WITH ORDINALITY AS added (topic, key, event_id, event_type, payload, headers, n)
ORDER BY n
"""


async def append(conn: asyncpg.Connection, rows: list[Row]) -> None:
    """All the rows in one statement, their ids in the order given."""
    if rows:
        await conn.execute(_APPEND, *(list(column) for column in zip(*rows, strict=True)))


class Outbox:
    def __init__(self, conn: asyncpg.Connection, service: str, topic_prefix: str) -> None:
        self._conn = conn
        self._service = service
        self._topic_prefix = topic_prefix
        self.pending: list[Row] = []

    async def add(self, event: Event, key: str) -> None:
        topic = topic_for(type(event))
        if topic.writer != self._service:
            raise NotTheWriter(f"{self._service} may not write {topic.name} ({topic.writer} does)")
        self.pending.append(
            (
                topic.qualified(self._topic_prefix),
                key,
                event.event_id,
                event.event_type,
                encode(event),
                headers_of(event),
            )
        )

    async def add_all(self, keyed_events: list[tuple[Event, str]]) -> None:
        for event, key in keyed_events:
            await self.add(event, key)
