"""Retry, then dead-letter: the runner never swallows a message and never blocks forever."""

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from shared.consumer import ConsumerRunner
from shared.events.codec import Decoder, encode
from shared.events.inventory import StockReserved
from shared.failpoints import Failpoints
from shared.metrics import ServiceMetrics


@dataclass
class FakeRecord:
    topic: str = "stock-reservations"
    partition: int = 3
    offset: int = 41
    key: bytes = b"order-1"
    headers: tuple[tuple[str, bytes], ...] = (("event_type", b"StockReserved"),)


@dataclass
class FakeMessage:
    body: bytes
    raw_message: FakeRecord = field(default_factory=FakeRecord)


@dataclass
class FakeBroker:
    published: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    async def publish(self, body: bytes, **kwargs: Any) -> None:
        if self.fail:
            raise ConnectionError("kafka unavailable")
        self.published.append({"body": body, **kwargs})


def runner(broker: FakeBroker) -> ConsumerRunner:
    return ConsumerRunner(
        broker,
        "svc-dead-letters",
        ServiceMetrics("svc"),
        Failpoints(""),  # type: ignore[arg-type]
        max_attempts=3,
        backoff_seconds=0,
    )


def event_message() -> FakeMessage:
    event = StockReserved(correlation_id=uuid.uuid4(), order_id=uuid.uuid4(), allocations=())
    return FakeMessage(encode(event))


async def test_a_handler_that_succeeds_after_a_transient_failure_is_not_dead_lettered() -> None:
    broker, calls = FakeBroker(), []

    async def flaky(event: Any) -> None:
        calls.append(event)
        if len(calls) < 2:
            raise TimeoutError("database busy")

    await runner(broker).run("c", event_message(), Decoder(StockReserved), flaky)  # type: ignore[arg-type]

    assert len(calls) == 2
    assert broker.published == []


async def test_a_handler_failing_every_attempt_parks_the_message_with_error_and_origin() -> None:
    broker, message = FakeBroker(), event_message()

    async def broken(event: Any) -> None:
        raise RuntimeError("constraint violated")

    await runner(broker).run("c", message, Decoder(StockReserved), broken)  # type: ignore[arg-type]

    [parked] = broker.published
    assert parked["topic"] == "svc-dead-letters"
    assert parked["body"] == message.body and parked["key"] == b"order-1"
    headers = parked["headers"]
    assert headers["x-error"] == "RuntimeError: constraint violated"
    assert (
        headers["x-origin-topic"],
        headers["x-origin-partition"],
        headers["x-origin-offset"],
    ) == (
        "stock-reservations",
        "3",
        "41",
    )
    assert headers["x-attempts"] == "3" and headers["event_type"] == "StockReserved"


async def test_a_message_that_does_not_parse_is_parked_at_once_without_retries() -> None:
    broker, calls = FakeBroker(), []

    async def handler(event: Any) -> None:
        calls.append(event)

    await runner(broker).run("c", FakeMessage(b"{not json"), Decoder(StockReserved), handler)  # type: ignore[arg-type]

    assert calls == []
    assert broker.published[0]["headers"]["x-attempts"] == "0"


async def test_when_even_the_dead_letter_publish_fails_the_error_propagates_for_redelivery() -> (
    None
):
    async def broken(event: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(ConnectionError):
        await runner(FakeBroker(fail=True)).run(  # type: ignore[arg-type]
            "c", event_message(), Decoder(StockReserved), broken
        )


async def test_a_database_outage_longer_than_every_retry_waits_instead_of_dead_lettering() -> None:
    import asyncpg

    broker, calls = FakeBroker(), []

    async def handle(event: Any) -> None:
        calls.append(event)
        if len(calls) <= 10:  # far more than max_attempts: the database is restarting
            raise asyncpg.exceptions.CannotConnectNowError("the database system is starting up")

    await runner(broker).run("c", event_message(), Decoder(StockReserved), handle)  # type: ignore[arg-type]

    assert len(calls) == 11 and broker.published == []
