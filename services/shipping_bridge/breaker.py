"""A circuit breaker per 3PL: after repeated failures, stop calling for a while.

Closed: calls go through. After `threshold` consecutive failures it opens: no calls
for `cooldown` seconds. Then one trial call is let through (half-open): success closes
it, failure opens it again. Shipments held back meanwhile simply wait in the queue.
"""

import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self,
        threshold: int = 5,
        cooldown: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_out = False

    def wait_seconds(self) -> float:
        """0 when a call may go now; else how long until one may."""
        if self._opened_at is None:
            return 0.0
        remaining = self._opened_at + self._cooldown - self._clock()
        if remaining > 0 or self._trial_out:
            return max(remaining, 1.0)
        self._trial_out = True
        return 0.0

    def succeeded(self) -> None:
        self._failures, self._opened_at, self._trial_out = 0, None, False

    def failed(self) -> None:
        self._failures += 1
        self._trial_out = False
        if self._failures >= self._threshold:
            self._opened_at = self._clock()
