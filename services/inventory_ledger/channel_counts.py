"""Use case: a channel's count of a location it is the master of (StockCounted, from the
gateway's `stock-counts`: a shop's shelf counted at the channel's point of sale).

The channel counts what is available there; what the hub holds reserved for orders at
that location is not on the channel's shelf count, so on hand becomes the count plus
the reserved units (available-to-sell then equals the channel's count). A negative
count (the channel oversold its shelf) is logged as an alert and taken as 0 available.
A count older than the newest one taken for the SKU and location changes nothing. The
change is a `count` movement, announced as a stock level like every other.
"""

import structlog

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.inventory import StockCounted

CONSUMER = "inventory-ledger.channel-counts"
log = structlog.get_logger(__name__)


class UnknownLocation(LookupError):
    """A count for a location the ledger holds nothing at (a mistyped configuration)."""


async def take_count(count: StockCounted, uow: UnitOfWork) -> None:
    async with uow:
        conn = uow.connection
        if not await uow.inbox.claim(CONSUMER, count.event_id):
            return
        if count.location not in await repository.known_locations(conn):
            raise UnknownLocation(f"{count.channel} counts {count.location}: no such location")
        if not await repository.newer_count(conn, count):
            await uow.commit()  # an older count, arriving late: the newer one stands
            return
        if count.available < 0:
            log.warning(
                "a channel counts below zero",
                sku=count.sku,
                location=count.location,
                channel=count.channel,
                available=count.available,
            )
        _, reserved = await repository.lock_stock(conn, count.sku, count.location)
        row, delta = await repository.set_on_hand(
            conn, count.sku, count.location, max(count.available, 0) + reserved
        )
        if delta:
            await repository.record_movement(
                conn, row, "count", delta, 0, source_event_id=count.event_id
            )
            await uow.outbox.add(level_changed(row, count), key=count.sku)
        await uow.commit()
