"""Running one consumed message: decode, handle with bounded retries, or dead-letter.

The contract with its callers (a batch run one message at a time after a lock conflict,
a dead letter replayed): `run` returns only once the handler's transaction committed, or
the message sits on the service's dead-letter topic, so an offset committed after it is
safe. If even the dead-letter publish fails, the exception propagates and the batch is
run again (`shared.lanes`).
"""

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import structlog
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from shared.events.codec import Decoder, UnknownEventType
from shared.events.envelope import Event
from shared.failpoints import AFTER_COMMIT_BEFORE_ACK, Failpoints
from shared.metrics import ServiceMetrics

log = structlog.get_logger(__name__)

Handler = Callable[[Any], Awaitable[None]]


class Consumed(Protocol):
    """A consumed record as the runner reads it (FastStream's message, or a batch's)."""

    @property
    def body(self) -> bytes: ...

    @property
    def raw_message(self) -> Any: ...


# Retrying cannot fix a message that does not parse; park it at once.
POISON = (ValidationError, UnknownEventType, ValueError)
# Nor is a message to blame when the database or the network is away (a restart, a
# failover): it waits, its partition paused, for as long as that lasts; parking it would
# lose the order of its key and leave the hub needing a person to replay it.
UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)
MAX_WAIT_SECONDS = 5.0


class ConsumerRunner:
    def __init__(
        self,
        broker: KafkaBroker,
        dead_letter_topic: str,
        metrics: ServiceMetrics,
        failpoints: Failpoints,
        max_attempts: int,
        backoff_seconds: float,
    ) -> None:
        self._broker = broker
        self._dead_letter_topic = dead_letter_topic
        self.metrics = metrics
        self.failpoints = failpoints
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        # (consumer, event type) whose use case claims the inbox under the consumer's
        # name: their claims are taken ahead for a whole batch (`shared.batches`).
        self.claiming: set[tuple[str, type]] = set()
        # Use cases seen leaving a unit uncommitted (not a redelivery): in a batch, their
        # units keep a savepoint each (`shared.batches`).
        self.savepointed: set[str] = set()

    async def run(self, consumer: str, msg: Consumed, decoder: Decoder, handle: Handler) -> None:
        structlog.contextvars.clear_contextvars()
        started = time.perf_counter()
        try:
            event = decoder.decode(msg.body)
        except POISON as exc:
            await self.dead_letter(consumer, msg, exc, attempts=0)
            return
        if event is None:
            return  # another consumer's event on a shared topic
        structlog.contextvars.bind_contextvars(
            consumer=consumer,
            event_id=str(event.event_id),
            correlation_id=str(event.correlation_id),
        )
        outcome = await self._handle_with_retries(consumer, msg, event, handle)
        self.metrics.processing_seconds.labels(consumer, outcome).observe(
            time.perf_counter() - started
        )
        self.failpoints.hit(AFTER_COMMIT_BEFORE_ACK)

    async def _handle_with_retries(
        self, consumer: str, msg: Consumed, event: Event, handle: Handler
    ) -> str:
        attempt, outage = 1, 0
        while True:
            try:
                await handle(event)
                return "ok"
            except UNAVAILABLE as exc:
                outage += 1
                wait = min(self.backoff_seconds * 2**outage, MAX_WAIT_SECONDS)
                log.warning("infrastructure unavailable; waiting", error=repr(exc), wait=wait)
                await asyncio.sleep(wait)
                continue
            except Exception as exc:
                if attempt == self.max_attempts:
                    await self.dead_letter(consumer, msg, exc, attempts=attempt)
                    return "dead_lettered"
                self.metrics.retries.labels(consumer).inc()
                log.warning("handler failed; retrying", attempt=attempt, error=repr(exc))
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
                attempt += 1

    async def dead_letter(
        self, consumer: str, msg: Consumed, exc: BaseException, attempts: int
    ) -> None:
        record = msg.raw_message
        headers = {k: v.decode(errors="replace") for k, v in getattr(record, "headers", ())}
        headers.update(
            {
                "x-error": f"{type(exc).__name__}: {exc}"[:2000],
                "x-error-trace": "".join(traceback.format_exception(exc))[-4000:],
                "x-consumer": consumer,
                "x-origin-topic": str(getattr(record, "topic", "")),
                "x-origin-partition": str(getattr(record, "partition", "")),
                "x-origin-offset": str(getattr(record, "offset", "")),
                "x-attempts": str(attempts),
                "x-dead-lettered-at": datetime.now(UTC).isoformat(),
            }
        )
        await self._broker.publish(
            msg.body,
            topic=self._dead_letter_topic,
            key=getattr(record, "key", None),
            headers=headers,
        )
        self.metrics.dead_letters.labels(consumer, type(exc).__name__).inc()
        log.error("message dead-lettered", error=headers["x-error"], attempts=attempts)
