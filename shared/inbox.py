"""Idempotent inbox: `(consumer, event_id)` recorded in the same transaction as the effect.

Kafka delivers at least once. Claiming the event id inside the handler's transaction
makes the effect happen at most once, so together: exactly once.

In a consumed batch the claims a batch will make are taken for the lot in one statement
before its messages are handled (`pre_claim`); a use case's claim is then answered from
them, and a claim its unit of work did not keep (rolled back, or never asked for) is
given back before the batch commits (`give_back`), as if it had been made in that unit.
"""

from uuid import UUID

import asyncpg
import structlog

log = structlog.get_logger(__name__)

Key = tuple[str, UUID]
_CLAIM_ALL = """
INSERT INTO inbox (consumer, event_id)
SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING
RETURNING consumer, event_id
"""
_GIVE_BACK = """
DELETE FROM inbox WHERE (consumer, event_id) IN
    (SELECT * FROM unnest($1::text[], $2::uuid[]))
"""


class Claims:
    """A batch's claims taken ahead: True where this batch took it, False where an
    earlier delivery had (a redelivery); each answered once."""

    def __init__(self) -> None:
        self.ahead: dict[Key, bool] = {}
        self.made_alone: set[Key] = set()  # claims made one statement each in the batch

    async def pre_claim(self, conn: asyncpg.Connection, keys: list[Key]) -> None:
        if not keys:
            return
        taken = await conn.fetch(_CLAIM_ALL, [k[0] for k in keys], [k[1] for k in keys])
        fresh = {(r["consumer"], r["event_id"]) for r in taken}
        self.ahead.update({key: key in fresh for key in keys})

    async def give_back(self, conn: asyncpg.Connection) -> None:
        unused = [key for key, fresh in self.ahead.items() if fresh]
        if unused:
            await conn.execute(_GIVE_BACK, [k[0] for k in unused], [k[1] for k in unused])


class Inbox:
    def __init__(self, conn: asyncpg.Connection, claims: Claims | None = None) -> None:
        self._conn = conn
        self._claims = claims
        self.taken_ahead: list[Key] = []  # claims this unit was answered from the batch's
        self.refused = False  # a claim found the event already handled: a redelivery

    async def claim(self, consumer: str, event_id: UUID) -> bool:
        """True the first time this consumer sees this event; False on a redelivery."""
        key = (consumer, event_id)
        ahead = self._claims.ahead.pop(key, None) if self._claims is not None else None
        if ahead is not None:
            if ahead:
                self.taken_ahead.append(key)
            fresh = ahead
        else:
            fresh = await self._claim_alone(key)
        if not fresh:
            self.refused = True
            log.info("redelivery ignored", consumer=consumer, duplicate_event_id=str(event_id))
        return fresh

    async def _claim_alone(self, key: Key) -> bool:
        row = await self._conn.fetchval(
            "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING true",
            *key,
        )
        if self._claims is not None:
            self._claims.made_alone.add(key)
        return bool(row)

    def undo(self) -> None:
        """The unit rolled back: the claims it took from the batch's are the batch's again
        (its retry finds them; unused, they are given back)."""
        if self._claims is not None:
            self._claims.ahead.update(dict.fromkeys(self.taken_ahead, True))
        self.taken_ahead.clear()
