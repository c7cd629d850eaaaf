"""What a simulated channel was told about stock, call by call, with the wall-clock time
each call arrived: the benchmark measures change-to-channel latency and calls saved by
coalescing from it."""

import time


class StockCallLog:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def record(self, quantities: dict[str, int]) -> None:
        if quantities:
            self.calls.append({"t": time.time(), "quantities": quantities})
