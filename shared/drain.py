"""A background loop that drains a queue table: woken by PostgreSQL NOTIFY, polling as a
fallback (a notification can be missed across a reconnect), never busy-waiting.

Subclasses say how to drain one batch; `drain()` returns how many items it handled, and
a full batch is followed at once by the next.
"""

import asyncio
import contextlib
import random
from abc import ABC, abstractmethod

import asyncpg
import structlog

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 60.0


def backoff(attempts: int, base: float) -> float:
    """Delay before the next attempt at an item a far side failed: exponential, capped,
    with jitter so that items failed together are not all retried together."""
    return float(min(MAX_BACKOFF_SECONDS, base * 2**attempts) * random.uniform(0.8, 1.2))


class DrainLoop(ABC):
    def __init__(
        self, dsn: str, channel: str, poll_seconds: float, linger_seconds: float = 0.02
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._poll_seconds = poll_seconds
        self._linger_seconds = linger_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None

    @abstractmethod
    async def drain(self) -> int:
        """Handle one batch; returns how many items were handled."""

    def batch_was_full(self, handled: int) -> bool:
        return False

    def wakes_on(self, payload: str) -> bool:
        """Whether a notification with this payload concerns this loop (default: all)."""
        return True

    def idle_seconds(self) -> float:
        """How long to wait for a notification before looking again (a retry may be due
        sooner than the poll; a subclass that knows says so)."""
        return self._poll_seconds

    async def start(self) -> None:
        self._listener = await asyncpg.connect(self._dsn)
        await self._listener.add_listener(self._channel, self._notified)
        self._task = asyncio.create_task(self._run(), name=f"drain-{self._channel}")

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if self.wakes_on(payload):
            self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._listener is not None:
            await self._listener.close()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                handled = await self.drain()
            except Exception:
                log.exception("drain pass failed; retrying", channel=self._channel)
                handled = 0
                await asyncio.sleep(self._poll_seconds)
            if not self.batch_was_full(handled):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds())

                # Under load many commits notify within a few ms: one pass takes them all.
                await asyncio.sleep(self._linger_seconds)
