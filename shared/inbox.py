"""Idempotent inbox: `(consumer, event_id)` recorded in the same transaction as the effect.

Kafka delivers at least once. Claiming the event id inside the handler's transaction
makes the effect happen at most once, so together: exactly once.
"""

from uuid import UUID

import asyncpg
import structlog

log = structlog.get_logger(__name__)


class Inbox:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim(self, consumer: str, event_id: UUID) -> bool:
        """True the first time this consumer sees this event; False on a redelivery."""
        row = await self._conn.fetchval(
            "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING true",
            consumer,
            event_id,
        )
        if not row:
            log.info("redelivery ignored", consumer=consumer, duplicate_event_id=str(event_id))
        return bool(row)
