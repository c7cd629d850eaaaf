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
    """How many channels now have a new quantity to be told (read and written for every
    channel at once: a level reaches four channels in three statements, not nine)."""
    async with uow:
        conn = uow.connection
        newer = await repository.record_level(
            conn, level.sku, level.location, level.available, level.version
        )
        targets = [
            t for t in (channels.syncing_stock() if newer else []) if t.stock.serves(level.location)
        ]
        if targets:
            scopes = {t.id: t.stock.locations for t in targets}
            totals = await repository.totals_by_channel(conn, level.sku, scopes)
            wanted = {
                t.id: (
                    available_to_sell(totals[t.id][0], t.stock.buffer_for(level.sku)),
                    totals[t.id][1],
                )
                for t in targets
            }
            await repository.set_desired(conn, level.sku, wanted, level.occurred_at)
        await uow.commit()
        return len(targets)
