"""Running a batch of consumed messages: one transaction, one offset commit.

A lane of a service's consumer (`shared.lanes`) hands here what has queued for one topic,
up to the batch size, in partition order; each record goes to the use cases its topic is
routed to (`shared.subscriptions`). Every message's use case runs inside one PostgreSQL
transaction, so the batch costs one commit and one offset commit instead of one of each
per message. A unit of work runs straight in that transaction; only when one fails (or
leaves its work uncommitted) is the batch run again with each unit in a savepoint of its
own, two round trips a unit that most batches need not pay. The contract is the
per-message one:

- the offsets are committed only after this returns, and it returns only once the
  batch's transaction committed and every message that could not be handled sits on the
  dead-letter topic (published after the commit, so a crash in between redelivers the
  batch: the applied messages are no-ops through the inbox, the poison is parked again);
- a message whose use case keeps failing is rolled back alone (its savepoint, in the
  batch run again) and parked; the rest of the batch is applied;
- the database or the network away: the whole batch is rolled back and run again once
  it is back, messages kept in order;
- a lock conflict between two batches (a deadlock, a serialization failure) rolls the
  batch back and runs its messages one transaction each, the way a message alone is run.
"""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog

from shared.consumer import MAX_WAIT_SECONDS, POISON, UNAVAILABLE, ConsumerRunner
from shared.db import UnitNotKept, batch_transaction
from shared.failpoints import AFTER_COMMIT_BEFORE_ACK
from shared.subscriptions import Route, Routes

log = structlog.get_logger(__name__)

# Two batches that lock rows in different orders: one of them must start again.
CONFLICT = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.InFailedSQLTransactionError,
)


class _Rerun(Exception):
    """A unit run without a savepoint failed: its work cannot be undone alone."""

    def __init__(self, consumer: str, error: BaseException) -> None:
        super().__init__(f"{consumer}: {error!r}")
        self.consumer = consumer


@dataclass(frozen=True)
class Delivered:
    """One record of a batch, shaped as the per-message runner reads a message."""

    body: bytes
    raw_message: Any


@dataclass(frozen=True)
class Parked:
    consumer: str
    message: Delivered
    error: BaseException
    attempts: int


async def run_batch(
    runner: ConsumerRunner, pool: Any, records: tuple[Any, ...], routes: Routes
) -> None:
    """Every record handled by each use case its topic is routed to, in record order."""
    work = [
        (Delivered(record.value, record), route)
        for record in records
        for route in routes.get(record.topic, ())
    ]
    outage, savepoints = 0, False
    while True:
        try:
            parked = await _in_one_transaction(runner, pool, work, savepoints)
            break
        except _Rerun as exc:
            log.info("a unit failed without a savepoint; one per unit", error=repr(exc))
            runner.metrics.batch_reruns.labels(exc.consumer).inc()
            savepoints = True
        except UNAVAILABLE as exc:
            outage += 1
            wait = min(runner.backoff_seconds * 2**outage, MAX_WAIT_SECONDS)
            log.warning("infrastructure unavailable; batch waits", error=repr(exc), wait=wait)
            await asyncio.sleep(wait)
        except CONFLICT as exc:
            log.info("batch conflicted; one transaction per message", error=repr(exc))
            for message, route in work:
                await runner.run(route.consumer, message, route.decoder, route.handle)
            return
    for each in parked:
        await runner.dead_letter(each.consumer, each.message, each.error, each.attempts)
    runner.failpoints.hit(AFTER_COMMIT_BEFORE_ACK)


async def _in_one_transaction(
    runner: ConsumerRunner, pool: Any, work: list[tuple[Delivered, Route]], savepoints: bool
) -> list[Parked]:
    """The batch's units, each straight in the transaction (none failing: most batches)
    or, with `savepoints` (a batch run again) and for the use cases seen leaving work
    uncommitted, each in a savepoint, so a failing message is rolled back alone."""
    parked: list[Parked] = []
    async with batch_transaction(pool) as batch:
        decoded: list[tuple[Delivered, Route, Any]] = []
        for message, route in work:
            try:
                event = route.decoder.decode(message.body)
            except POISON as exc:
                parked.append(Parked(route.consumer, message, exc, 0))
                continue
            if event is not None:  # None: another use case's event on a shared topic
                decoded.append((message, route, event))
        await batch.claims.pre_claim(batch.conn, _claims_ahead(runner, decoded))
        for message, route, event in decoded:
            batch.bare = not savepoints and route.consumer not in runner.savepointed
            failed = await _one(runner, route, message, event, batch.bare)
            if failed is not None:
                parked.append(failed)
            if (route.consumer, event.event_id) in batch.claims.made_alone:
                runner.claiming.add((route.consumer, type(event)))
    return parked


def _claims_ahead(runner: ConsumerRunner, decoded: list[tuple[Delivered, Route, Any]]) -> list[Any]:
    """The inbox claims the batch's use cases will make, as far as they have been seen to:
    a use case that claims under its own name for an event of that type (learnt from its
    first claim made alone), so nothing is claimed for one that never asks."""
    return [
        (route.consumer, event.event_id)
        for _, route, event in decoded
        if (route.consumer, type(event)) in runner.claiming
    ]


async def _one(
    runner: ConsumerRunner, route: Route, message: Delivered, event: Any, bare: bool
) -> Parked | None:
    consumer = route.consumer
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(
        consumer=consumer, event_id=str(event.event_id), correlation_id=str(event.correlation_id)
    )
    started, attempt = time.perf_counter(), 1
    while True:
        try:
            await route.handle(event)
            outcome, failed = "ok", None
            break
        except (*UNAVAILABLE, *CONFLICT):
            raise  # the batch's transaction is gone: it is run again as a whole
        except Exception as exc:
            if isinstance(exc, UnitNotKept):
                runner.savepointed.add(consumer)  # from now on, its units in savepoints
            if bare:
                raise _Rerun(consumer, exc) from exc
            if attempt == runner.max_attempts:
                outcome, failed = "dead_lettered", Parked(consumer, message, exc, attempt)
                break
            runner.metrics.retries.labels(consumer).inc()
            log.warning("handler failed; retrying", attempt=attempt, error=repr(exc))
            await asyncio.sleep(runner.backoff_seconds * 2 ** (attempt - 1))
            attempt += 1
    runner.metrics.processing_seconds.labels(consumer, outcome).observe(
        time.perf_counter() - started
    )
    return failed
