"""What a simulated channel was told (stock quantities, prices), call by call, with the
wall-clock time each call arrived: the benchmark and the tests measure change-to-channel
latency and calls saved by coalescing from it."""

import time


class CallLog:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def record(self, values: dict[str, object]) -> None:
        """One call's values per SKU (a call that changed nothing is not a call worth
        timing)."""
        if values:
            self.calls.append({"t": time.time(), "values": values})
