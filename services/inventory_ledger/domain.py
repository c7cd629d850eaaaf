"""Pure stock rules: no I/O."""

from collections import defaultdict
from dataclasses import dataclass

from shared.events.inventory import Allocation, RequestedQuantity, ShortLine


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


def take_from_holding(held: list[Allocation], sku: str, location: str, wanted: int) -> int:
    """Takes up to `wanted` units of `sku` at `location` out of an order's holding (in
    place) and returns how many it had; what it lacks is not the holding's to give."""
    for index, allocation in enumerate(held):
        if (allocation.sku, allocation.location) != (sku, location):
            continue
        taken = min(wanted, allocation.quantity)
        left = allocation.quantity - taken
        if left:
            held[index] = Allocation(sku=sku, location=location, quantity=left)
        else:
            del held[index]
        return taken
    return 0
