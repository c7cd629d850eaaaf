"""How an order's stock is reserved, fewest shipments first. Every change is a conditional
update on one row, so concurrent orders can never take more than there is.

1. The whole order from one location, trying them in the router's order of preference.
2. Otherwise line by line, each line whole from the first location that can fill it.
3. Otherwise, when the channel allows split shipments, a line may be split across
   locations, taking what each has in preference order.
Each strategy runs in a savepoint: one that falls short leaves no trace.
"""

import asyncpg

from services.inventory_ledger import repository
from services.inventory_ledger.domain import StockRow, requested_by_sku
from shared.events.inventory import RequestedQuantity

Reserved = list[tuple[StockRow, int]]


class Short(Exception):
    def __init__(self, sku: str, requested: int) -> None:
        super().__init__(f"{sku}: {requested} requested")
        self.sku, self.requested = sku, requested


async def reserve_order(
    conn: asyncpg.Connection,
    lines: tuple[RequestedQuantity, ...],
    locations: tuple[str, ...],
    allow_split: bool,
) -> Reserved:
    wanted = requested_by_sku(lines)
    for location in locations:
        try:
            return await _in_savepoint(conn, wanted, (location,), split=False)
        except Short:
            continue
    return await _in_savepoint(conn, wanted, locations, split=allow_split)


async def _in_savepoint(
    conn: asyncpg.Connection,
    wanted: list[tuple[str, int]],
    locations: tuple[str, ...],
    split: bool,
) -> Reserved:
    reserved: Reserved = []
    async with conn.transaction():
        for sku, quantity in wanted:
            reserved.extend(await _reserve_line(conn, sku, quantity, locations, split))
    return reserved


async def _reserve_line(
    conn: asyncpg.Connection, sku: str, quantity: int, locations: tuple[str, ...], split: bool
) -> Reserved:
    for location in locations:
        row = await repository.try_reserve_at(conn, sku, location, quantity)
        if row is not None:
            return [(row, quantity)]
    if not split:
        raise Short(sku, quantity)
    taken: Reserved = []
    remaining = quantity
    for location in locations:
        found = await repository.reserve_up_to(conn, sku, location, remaining)
        if found is not None:
            taken.append(found)
            remaining -= found[1]
        if remaining == 0:
            return taken
    raise Short(sku, quantity)
