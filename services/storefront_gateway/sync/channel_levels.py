"""A channel's own report of its stock: Shopify's `inventory_levels/update` webhook.

Its payload is an InventoryLevel as the REST Admin API documents it
(https://shopify.dev/docs/api/admin-rest/2024-01/resources/inventorylevel):
`inventory_item_id` and `location_id` — no SKU — `available` (null when the item is not
tracked) and `updated_at`. Shopify sends it for every change, the hub's own pushes too.
The SKU comes from the channel's inventory items (`channel_inventory_items`: learned
from its product data whenever the stock pusher reads its catalog, or loaded with
`PUT /channels/{id}/inventory-items`). At the location the hub sets (the channel's
`stock.platform_location_id`) a level other than the one the hub set is drift: kept in
`stock_drift` and corrected by pushing the ledger's quantity again — at once when the
store shows more than the hub (it could oversell), after the channel's
`stock.drift_grace_seconds` when it shows less (its own sale, on its way to the ledger
as an order, explains that).
At a location the channel is the master of (`stock.counted_locations`), the level is
the count: StockCounted to the ledger (`stock-counts`), in the same transaction.
An older `updated_at` never overwrites a newer one; an untracked level is never a 0.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from services.storefront_gateway.channels import ChannelConfig, StockSync
from services.storefront_gateway.sync import levels_repository as levels
from services.storefront_gateway.sync.domain import level_verdict
from shared.db import UnitOfWork
from shared.events.inventory import StockCounted
from shared.requests import correlation_id


class ShopifyInventoryLevel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    inventory_item_id: int
    location_id: int
    available: int | None
    updated_at: datetime


class LevelOutcome(BaseModel):
    verdict: str
    reason: str
    sku: str | None = None


async def take_level(
    channel: ChannelConfig, level: ShopifyInventoryLevel, uow: UnitOfWork
) -> LevelOutcome:
    item, location = str(level.inventory_item_id), str(level.location_id)
    async with uow:
        conn = uow.connection
        if not await levels.take_level(
            conn, channel.id, item, location, level.available, level.updated_at
        ):
            return LevelOutcome(verdict="stale", reason="a newer level of this item is had")
        sku = await levels.sku_of(conn, channel.id, item)
        outcome = await _judge(uow, channel, sku, location, level)
        await levels.judge(conn, channel.id, item, location, sku, outcome.verdict)
        await uow.commit()
    return outcome


async def _judge(
    uow: UnitOfWork,
    channel: ChannelConfig,
    sku: str | None,
    location: str,
    level: ShopifyInventoryLevel,
) -> LevelOutcome:
    if sku is None:
        reason = f"inventory item {level.inventory_item_id} is no SKU the hub knows on {channel.id}"
        return LevelOutcome(verdict="unknown_item", reason=reason)
    stock = channel.stock
    counted = _counted_location(stock, location)
    if counted is not None and level.available is not None:
        count = StockCounted(
            correlation_id=correlation_id(),
            sku=sku,
            location=counted,
            available=level.available,
            counted_at=level.updated_at,
            channel=channel.id,
        )
        await uow.outbox.add(count, key=sku)
        reason = f"the channel counts {counted}: {level.available} available, to the ledger"
        return LevelOutcome(verdict="counted", reason=reason, sku=sku)
    ours = stock.platform_location_id if stock else None
    if stock is None or ours is None or levels.item_number(ours) != location:
        reason = f"location {location} is not the one the hub sets ({ours or 'none'})"
        return LevelOutcome(verdict="other_location", reason=reason, sku=sku)
    told = await levels.pushed_state(uow.connection, channel.id, sku)
    verdict, reason = level_verdict(level.available, told, level.updated_at)
    if verdict == "drift" and told is not None and level.available is not None:
        await levels.note_drift(uow.connection, channel.id, sku, told["desired"], level.available)
        wait = 0.0 if level.available > told["desired"] else stock.drift_grace_seconds
        await levels.correct(uow.connection, channel.id, sku, level.available, wait)
        reason += f"; the ledger's {told['desired']} is pushed again" + (
            f" in {wait:g} s" if wait else ""
        )
    return LevelOutcome(verdict=verdict, reason=reason, sku=sku)


def _counted_location(stock: StockSync | None, location: str) -> str | None:
    """Our location whose count the channel masters at its `location`, if any."""
    if stock is None:
        return None
    by_number = {levels.item_number(k): v for k, v in stock.counted_locations.items()}
    return by_number.get(location)
