"""Group commit: requests that each need a durable transaction before they answer share one.

A webhook is answered 2xx only once what it carried is committed. Under load many arrive
together; each paying its own transaction (its own commit and WAL flush) is most of what
they cost. Here they queue, and one task runs the queued ones in one transaction, each
request's unit of work a savepoint of it (`shared.db.batch_transaction`), and answers
each of them after the commit:

- one request's failure (a refusal, a bad payload) undoes its own work alone and is
  raised to that request;
- the commit failing, or the database away, fails every request of the group (none was
  answered yet: the sender retries, and deliveries are idempotent);
- a lock conflict runs the group's requests again, one transaction each.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog

from shared.batches import CONFLICT
from shared.consumer import UNAVAILABLE
from shared.db import batch_transaction

log = structlog.get_logger(__name__)

T = TypeVar("T")
Work = Callable[[], Awaitable[Any]]
MOST_PER_GROUP = 50  # each a savepoint: under the 64 subtransactions PostgreSQL caches


class _Queued:
    def __init__(self, work: Work) -> None:
        self.work = work
        self.done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.log_context = structlog.contextvars.get_contextvars()

    def answer(self, result: Any = None, error: BaseException | None = None) -> None:
        if self.done.done():
            return  # the request went away (its client hung up)
        if error is not None:
            self.done.set_exception(error)
        else:
            self.done.set_result(result)


class GroupCommit:
    def __init__(self, pool: Callable[[], Any]) -> None:
        self._pool = pool
        self._queued: list[_Queued] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="group-commit")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for queued in self._queued:
            queued.answer(error=RuntimeError("the service is stopping"))

    async def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work`'s result once its transaction (shared with others) has committed."""
        if self._task is None:
            return await work()  # not started (a tool, a test): a transaction of its own
        queued = _Queued(work)
        self._queued.append(queued)
        self._arrived.set()
        result: T = await queued.done
        return result

    async def _run(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            while self._queued:
                group = self._queued[:MOST_PER_GROUP]
                del self._queued[:MOST_PER_GROUP]
                await self._commit(group)

    async def _commit(self, group: list[_Queued]) -> None:
        outcomes: list[tuple[_Queued, Any, BaseException | None]] = []
        try:
            async with batch_transaction(self._pool()):
                for queued in group:
                    outcomes.append((queued, *await _attempt(queued)))
        except CONFLICT as exc:
            log.info("group conflicted; one transaction per request", error=repr(exc))
            for queued in group:
                result, error = await _attempt(queued)
                queued.answer(result, error)
            return
        except Exception as exc:
            log.warning("group commit failed", error=repr(exc), requests=len(group))
            for queued in group:
                queued.answer(error=exc)
            return
        for queued, result, error in outcomes:
            queued.answer(result, error)


async def _attempt(queued: _Queued) -> tuple[Any, BaseException | None]:
    """Runs one request's work, in its request's log context; the batch's own failures
    (the database gone, a lock conflict) propagate to the whole group."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**queued.log_context)
    try:
        return await queued.work(), None
    except (*UNAVAILABLE, *CONFLICT):
        raise
    except Exception as exc:
        return None, exc
