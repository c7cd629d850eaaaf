"""Dead letters, inspected and replayed: `GET /dead-letters` (grouped by reason),
`GET /dead-letters/{offset}`, admin `POST /dead-letters/replay`.

A dead letter is read back from the service's own dead-letter topic (with the error,
the consumer and the origin its headers carry) and replayed by handing it again to that
consumer's handler in this process — not by publishing it anew, since the service is
not the writer of the topic it came from. Handlers claim each event in their inbox, so a
replay after a partial success changes nothing twice; a letter replayed successfully is
recorded and skipped next time.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, model_validator

from shared.auth import require_admin
from shared.consumer import Handler
from shared.db import UnitOfWork
from shared.events.codec import Decoder


class Replay(BaseModel):
    offsets: list[int] | None = Field(None, max_length=10_000)
    reason: str | None = None
    all: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> "Replay":
        if sum((self.offsets is not None, self.reason is not None, self.all)) != 1:
            raise ValueError("say exactly one of: offsets, reason, all")
        return self


async def read_all(bootstrap: str, topic: str, limit: int = 10_000) -> list[dict[str, Any]]:
    """Every letter on the (single-partition) dead-letter topic, oldest first."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        end = (await consumer.end_offsets([partition]))[partition]
        letters: list[dict[str, Any]] = []
        while await consumer.position(partition) < end and len(letters) < limit:
            batch = await consumer.getmany(partition, timeout_ms=1000)
            for record in batch.get(partition, []):
                letters.append(_letter(record))
        return letters
    finally:
        await consumer.stop()


def _letter(record: Any) -> dict[str, Any]:
    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
    return {
        "offset": record.offset,
        "key": record.key.decode(errors="replace") if record.key else None,
        "reason": headers.get("x-error", "unknown"),
        "consumer": headers.get("x-consumer"),
        "origin": f"{headers.get('x-origin-topic')}[{headers.get('x-origin-partition')}]"
        f"@{headers.get('x-origin-offset')}",
        "dead_lettered_at": headers.get("x-dead-lettered-at"),
        "attempts": headers.get("x-attempts"),
        "headers": headers,
        "value": record.value.decode(errors="replace") if record.value else "",
    }


@dataclass(frozen=True)
class DeadLetterSource:
    """Where a service's dead letters are, and what can replay them."""

    bootstrap: str
    topic: str
    handlers: dict[str, tuple[Decoder, Handler]]
    uow_factory: Callable[[], UnitOfWork]


async def dead_letter_source(request: Request) -> DeadLetterSource:
    source: DeadLetterSource = request.app.state.dead_letters
    return source


Source = Annotated[DeadLetterSource, Depends(dead_letter_source)]
router = APIRouter(tags=["dead letters"])


@router.get("/dead-letters")
async def list_letters(source: Source) -> dict[str, Any]:
    letters = await read_all(source.bootstrap, source.topic)
    done = await _replayed(source.uow_factory)
    reasons = Counter(x["reason"] for x in letters if x["offset"] not in done)
    brief = [{k: x[k] for k in ("offset", "reason", "consumer", "origin")} for x in letters]
    return {
        "letters": [{**x, "replayed": x["offset"] in done} for x in brief],
        "by_reason": [{"reason": r, "count": n} for r, n in reasons.most_common()],
    }


@router.get("/dead-letters/{offset}")
async def show(offset: int, source: Source) -> dict[str, Any]:
    found = [x for x in await read_all(source.bootstrap, source.topic) if x["offset"] == offset]
    if not found:
        raise HTTPException(404, f"no dead letter at offset {offset}")
    return found[0]


@router.post("/dead-letters/replay", dependencies=[Depends(require_admin)])
async def replay(choice: Replay, source: Source) -> dict[str, Any]:
    done = await _replayed(source.uow_factory)
    chosen = [
        x
        for x in await read_all(source.bootstrap, source.topic)
        if x["offset"] not in done
        and (choice.all or x["offset"] in (choice.offsets or []) or x["reason"] == choice.reason)
    ]
    results = [await _replay_one(x, source.handlers, source.uow_factory) for x in chosen]
    replayed = sum(1 for r in results if r["outcome"] == "replayed")
    return {"chosen": len(results), "replayed": replayed, "results": results}


async def _replay_one(
    letter: dict[str, Any],
    handlers: dict[str, tuple[Decoder, Handler]],
    uow_factory: Callable[[], UnitOfWork],
) -> dict[str, Any]:
    consumer = letter["consumer"]
    if consumer not in handlers:
        outcome = f"no consumer {consumer!r} in this service"
    else:
        decoder, handle = handlers[consumer]
        try:
            event = decoder.decode(letter["value"].encode())
            if event is not None:
                await handle(event)
            outcome = "replayed"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"[:2000]
    async with uow_factory() as uow:
        await uow.connection.execute(
            "INSERT INTO dead_letter_replays (dlt_offset, consumer, outcome) VALUES ($1, $2, $3)"
            " ON CONFLICT (dlt_offset) DO UPDATE SET outcome = EXCLUDED.outcome,"
            " replayed_at = now()",
            letter["offset"],
            consumer or "",
            outcome,
        )
        await uow.commit()
    return {"offset": letter["offset"], "consumer": consumer, "outcome": outcome}


async def _replayed(uow_factory: Callable[[], UnitOfWork]) -> set[int]:
    async with uow_factory() as uow:
        records = await uow.connection.fetch(
            "SELECT dlt_offset FROM dead_letter_replays WHERE outcome = 'replayed'"
        )
    return {int(r["dlt_offset"]) for r in records}
