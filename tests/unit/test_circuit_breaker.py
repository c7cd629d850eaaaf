from services.shipping_bridge.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_repeated_failures_and_lets_one_trial_through_after_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown=10, clock=clock)
    for _ in range(3):
        assert breaker.wait_seconds() == 0
        breaker.failed()

    assert breaker.wait_seconds() > 0, "open: no calls"
    clock.now = 11
    assert breaker.wait_seconds() == 0, "half-open: one trial"
    assert breaker.wait_seconds() > 0, "only one trial at a time"
    breaker.succeeded()
    assert breaker.wait_seconds() == 0, "closed again"


def test_a_failed_trial_opens_the_breaker_again() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, cooldown=5, clock=clock)
    breaker.failed()
    clock.now = 6
    assert breaker.wait_seconds() == 0
    breaker.failed()
    assert breaker.wait_seconds() > 0
