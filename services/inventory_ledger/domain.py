"""Pure stock rules: no I/O."""

from collections import defaultdict
from dataclasses import dataclass

from shared.events.inventory import RequestedQuantity, ShortLine


@dataclass(frozen=True)
class StockRow:
    sku: str
    location: str
    on_hand: int
    reserved: int
    version: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def requested_by_sku(lines: tuple[RequestedQuantity, ...]) -> list[tuple[str, int]]:
    """Quantities per SKU, sorted by SKU.

    Sorting fixes the order in which concurrent reservations lock stock rows, so two
    orders for the same SKUs can never wait on each other in a cycle.
    """
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.sku] += line.quantity
    return sorted(totals.items())


def rejection_reason(short: list[ShortLine]) -> str:
    parts = [f"{s.sku}: requested {s.requested}, available {s.available}" for s in short]
    return "insufficient stock — " + "; ".join(parts)
