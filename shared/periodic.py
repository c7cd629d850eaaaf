"""A background task done in rounds (read an ERP, tick a clock, reconcile channels): each
round says how long to wait before the next; a failed round is logged and tried again,
never the end of the task."""

import asyncio
import contextlib
from abc import ABC, abstractmethod

import structlog

log = structlog.get_logger(__name__)


class Periodic(ABC):
    retry_seconds = 5.0

    def __init__(self, name: str) -> None:
        self._name = name
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def round(self) -> float:
        """Do one round; returns the seconds to wait before the next."""

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                wait = await self.round()
            except Exception:
                log.exception("background round failed; trying again", task=self._name)
                wait = self.retry_seconds
            await asyncio.sleep(wait)
