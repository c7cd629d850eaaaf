"""SQL of the channels' own stock reports: inventory items, and the levels they report."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg

from services.storefront_gateway.connectors.stock import Listed


def item_number(inventory_item_id: str | int) -> str:
    """Shopify names one item two ways: 123 (REST, webhooks) and
    gid://shopify/InventoryItem/123 (GraphQL); kept by the number."""
    return str(inventory_item_id).rsplit("/", 1)[-1]


async def learn_items(
    conn: asyncpg.Connection, channel: str, catalog: Mapping[str, Listed]
) -> None:
    """What the channel's catalog says each of its inventory items is (its product data:
    Shopify's variants carry their SKU and inventory item)."""
    items = [
        (str(found.listing["inventory_item_id"]), sku)
        for sku, found in catalog.items()
        if found.listing and found.listing.get("inventory_item_id")
    ]
    if items:
        await remember_items(conn, channel, items, "catalog")


async def remember_items(
    conn: asyncpg.Connection, channel: str, items: list[tuple[str, str]], source: str
) -> int:
    """(inventory item id, SKU) pairs; a later one for the same item replaces it."""
    await conn.executemany(
        "INSERT INTO channel_inventory_items (channel, inventory_item_id, sku, source)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (channel, inventory_item_id) DO UPDATE"
        " SET sku = EXCLUDED.sku, source = EXCLUDED.source, learned_at = now()"
        " WHERE (channel_inventory_items.sku, channel_inventory_items.source)"
        "   IS DISTINCT FROM (EXCLUDED.sku, EXCLUDED.source)",
        [(channel, item_number(item), sku, source) for item, sku in items],
    )
    return len(items)


async def sku_of(conn: asyncpg.Connection, channel: str, item: str) -> str | None:
    value = await conn.fetchval(
        "SELECT sku FROM channel_inventory_items WHERE channel = $1 AND inventory_item_id = $2",
        channel,
        item_number(item),
    )
    return str(value) if value is not None else None


async def take_level(
    conn: asyncpg.Connection,
    channel: str,
    item: str,
    location: str,
    available: int | None,
    updated_at: datetime,
) -> bool:
    """Keep the report unless a newer (or the same) one is had; locked for the verdict.
    False: it is not newer."""
    newer = await conn.fetchval(
        "INSERT INTO channel_levels (channel, inventory_item_id, location_id, available,"
        " updated_at, verdict) VALUES ($1, $2, $3, $4, $5, 'taken')"
        " ON CONFLICT (channel, inventory_item_id, location_id) DO UPDATE"
        " SET available = EXCLUDED.available, updated_at = EXCLUDED.updated_at,"
        " verdict = 'taken', received_at = now()"
        " WHERE channel_levels.updated_at <= EXCLUDED.updated_at RETURNING true",
        channel,
        item_number(item),
        location,
        available,
        updated_at,
    )
    return bool(newer)


async def judge(
    conn: asyncpg.Connection, channel: str, item: str, location: str, sku: str | None, verdict: str
) -> None:
    await conn.execute(
        "UPDATE channel_levels SET sku = $4, verdict = $5"
        " WHERE channel = $1 AND inventory_item_id = $2 AND location_id = $3",
        channel,
        item_number(item),
        location,
        sku,
        verdict,
    )


async def pushed_state(conn: asyncpg.Connection, channel: str, sku: str) -> dict[str, Any] | None:
    """What the hub last told the channel of the SKU, locked against the pusher."""
    record = await conn.fetchrow(
        "SELECT desired, desired_version, pushed, pushed_version, pushed_at FROM channel_stock"
        " WHERE channel = $1 AND sku = $2 FOR UPDATE",
        channel,
        sku,
    )
    return dict(record) if record else None


async def note_drift(
    conn: asyncpg.Connection, channel: str, sku: str, expected: int, actual: int
) -> None:
    await conn.execute(
        "INSERT INTO stock_drift (channel, sku, expected, actual) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (channel, sku) DO UPDATE SET expected = EXCLUDED.expected,"
        " actual = EXCLUDED.actual, last_seen = now()",
        channel,
        sku,
        expected,
        actual,
    )


async def correct(
    conn: asyncpg.Connection, channel: str, sku: str, actual: int, after_seconds: float
) -> None:
    """The channel holds `actual`: the hub's quantity is due again from there (the next
    push's compare-and-set starts at what the channel holds), after `after_seconds`."""
    await conn.execute(
        "UPDATE channel_stock SET pushed = $3, pushed_version = 0, dirty_since = now(),"
        " desired_version = desired_version, leased_until = NULL,"
        " next_attempt_at = now() + make_interval(secs => $4)"
        " WHERE channel = $1 AND sku = $2",
        channel,
        sku,
        actual,
        after_seconds,
    )


async def reported(conn: asyncpg.Connection, channel: str, sku: str) -> list[dict[str, Any]]:
    """The channel's latest report of the SKU at each of its locations, and its verdict."""
    records = await conn.fetch(
        "SELECT inventory_item_id, location_id, available, updated_at, verdict, received_at"
        " FROM channel_levels WHERE channel = $1 AND sku = $2 ORDER BY location_id",
        channel,
        sku,
    )
    return [dict(r) for r in records]


async def drift_of(conn: asyncpg.Connection, channel: str, sku: str) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT expected, actual, first_seen, last_seen FROM stock_drift"
        " WHERE channel = $1 AND sku = $2",
        channel,
        sku,
    )
    return dict(record) if record else None
