"""Waiting for an eventually-consistent fact, with a time limit instead of a fixed sleep."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 20) -> T:
    """The first truthy answer of `check`, polled every 0.1 s; fails after `timeout`."""
    last: T | None = None
    for _ in range(int(timeout / 0.1)):
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.1)
    raise AssertionError(f"condition not met within {timeout}s (last answer: {last!r})")
