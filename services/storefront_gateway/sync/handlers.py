"""Use case: a stock level changed in the ledger; work out what each channel should show.

No inbox is needed: a level is applied only if its version is newer than the one held,
so a redelivered or out-of-date level changes nothing.
"""

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.sync import repository
from services.storefront_gateway.sync.domain import available_to_sell
from shared.db import UnitOfWork
from shared.events.inventory import StockLevelChanged

STOCK_CONSUMER = "storefront-gateway.channel-stock"


async def on_stock_level(level: StockLevelChanged, uow: UnitOfWork, channels: Channels) -> int:
    """How many channels now have a new quantity to be told."""
    async with uow:
        conn = uow.connection
        newer = await repository.record_level(
            conn, level.sku, level.location, level.available, level.version
        )
        told = 0
        for target in channels.syncing_stock() if newer else []:
            if not target.stock.serves(level.location):
                continue
            free, version = await repository.totals(conn, level.sku, target.stock.locations)
            desired = available_to_sell(free, target.stock.buffer_for(level.sku))
            await repository.set_desired(
                conn, target.id, level.sku, desired, version, level.occurred_at
            )
            told += 1
        await uow.commit()
        return told
