"""A channel's rate budget: a token bucket at the channel's documented rate, slowed
further by what the channel itself says (429 with Retry-After, Shopify's cost and
call-limit figures). One budget per channel per process; the pusher of a channel runs in
one replica at a time, so the budget is the channel's, not the replica's."""

import asyncio
import time
from collections.abc import Callable


class RateBudget:
    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_second
        self._burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()
        self._paused_until = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def available(self) -> int:
        """Calls that may go out right now without waiting."""
        self._refill()
        if self._clock() < self._paused_until:
            return 0
        return int(self._tokens)

    def wait_seconds(self) -> float:
        """How long until the next call may go out."""
        self._refill()
        pause = max(0.0, self._paused_until - self._clock())
        refill = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
        return max(pause, refill)

    async def ready(self) -> None:
        """Wait until a call may go out, without taking it."""
        while True:
            delay = self.wait_seconds()
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    async def acquire(self) -> None:
        await self.ready()
        self._tokens -= 1

    def pause(self, seconds: float) -> None:
        """The channel asked us to wait (429 Retry-After, a throttled answer)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = min(self._tokens, 0.0)

    def observe_call_limit(self, used: int, limit: int, leak_per_second: float) -> None:
        """Shopify REST `X-Shopify-Shop-Api-Call-Limit: used/limit` (a leaky bucket):
        near the top, wait until the bucket has leaked room for a few calls."""
        headroom = limit - used
        if headroom < 3:
            self.pause((3 - headroom) / leak_per_second)

    def observe_cost(self, available: float, maximum: float, restore_rate: float) -> None:
        """Shopify GraphQL `extensions.cost.throttleStatus`: below a tenth of the bucket,
        wait until it has restored back to a tenth."""
        floor = maximum / 10
        if available < floor and restore_rate > 0:
            self.pause((floor - available) / restore_rate)
