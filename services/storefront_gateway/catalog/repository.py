"""SQL on the catalog read model and the listing updates owed to channels."""

from datetime import datetime
from typing import Any

import asyncpg

from services.storefront_gateway.catalog.domain import PriceEntry
from shared.events.catalog import CustomerChanged, PriceScheduled, ProductChanged


async def record_product(conn: asyncpg.Connection, product: ProductChanged) -> bool:
    """True when this revision is newer than the one held."""
    details = product.model_dump(
        mode="json", include={"title", "description", "barcode", "weight_grams", "options"}
    )
    status = await conn.execute(
        "INSERT INTO products (sku, details, revision) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku) DO UPDATE SET details = EXCLUDED.details,"
        " revision = EXCLUDED.revision WHERE products.revision < EXCLUDED.revision",
        product.sku,
        {**details, "product_code": product.product_code},
        product.revision,
    )
    return bool(status.endswith(" 1"))


async def record_price(conn: asyncpg.Connection, price: PriceScheduled) -> bool:
    status = await conn.execute(
        "INSERT INTO price_book (price_id, sku, currency, amount_minor, compare_at_minor,"
        " starts_at, ends_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (price_id) DO UPDATE SET sku = EXCLUDED.sku,"
        " currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor,"
        " compare_at_minor = EXCLUDED.compare_at_minor, starts_at = EXCLUDED.starts_at,"
        " ends_at = EXCLUDED.ends_at, revision = EXCLUDED.revision"
        " WHERE price_book.revision < EXCLUDED.revision",
        price.price_id,
        price.sku,
        price.currency,
        price.amount_minor,
        price.compare_at_minor,
        price.starts_at,
        price.ends_at,
        price.revision,
    )
    return bool(status.endswith(" 1"))


async def price_entries(conn: asyncpg.Connection, sku: str) -> list[PriceEntry]:
    records = await conn.fetch(
        "SELECT price_id, currency, amount_minor, compare_at_minor, starts_at, ends_at,"
        " revision FROM price_book WHERE sku = $1",
        sku,
    )
    return [PriceEntry(**dict(r)) for r in records]


async def skus_with_boundary(
    conn: asyncpg.Connection, after: datetime, until: datetime
) -> list[str]:
    """SKUs whose price changes by the clock in (after, until]: a window starts or ends."""
    records = await conn.fetch(
        "SELECT DISTINCT sku FROM price_book WHERE (starts_at > $1 AND starts_at <= $2)"
        " OR (ends_at > $1 AND ends_at <= $2)",
        after,
        until,
    )
    return [r["sku"] for r in records]


async def next_boundary(conn: asyncpg.Connection, after: datetime) -> datetime | None:
    value: datetime | None = await conn.fetchval(
        "SELECT min(t) FROM (SELECT starts_at AS t FROM price_book UNION ALL"
        " SELECT ends_at FROM price_book) b WHERE t > $1",
        after,
    )
    return value


async def owe(
    conn: asyncpg.Connection, channel: str, sku: str, kind: str, payload: dict[str, Any]
) -> bool:
    """The channel should get `payload`; a new version only when it is not what it already
    gets (a re-published, unchanged price costs no call)."""
    status = await conn.execute(
        "INSERT INTO channel_listing_updates (channel, sku, kind, payload)"
        " VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (channel, sku, kind) DO UPDATE SET payload = EXCLUDED.payload,"
        " version = nextval('listing_update_versions'),"
        " dirty_since = CASE WHEN channel_listing_updates.version"
        "   <= channel_listing_updates.pushed_version THEN now()"
        "   ELSE channel_listing_updates.dirty_since END"
        " WHERE channel_listing_updates.payload <> EXCLUDED.payload",
        channel,
        sku,
        kind,
        payload,
    )
    return bool(status.endswith(" 1"))


async def claim_due(
    conn: asyncpg.Connection, channel: str, kind: str, limit: int, lease_seconds: float
) -> list[dict[str, Any]]:
    records = await conn.fetch(
        "UPDATE channel_listing_updates u SET leased_until = now()"
        " + make_interval(secs => $4) FROM (SELECT sku FROM channel_listing_updates"
        "   WHERE channel = $1 AND kind = $2 AND version > pushed_version"
        "   AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())"
        "   ORDER BY dirty_since LIMIT $3 FOR UPDATE SKIP LOCKED) due"
        " WHERE u.channel = $1 AND u.kind = $2 AND u.sku = due.sku"
        " RETURNING u.sku, u.payload, u.version, u.attempts, u.dirty_since",
        channel,
        kind,
        limit,
        lease_seconds,
    )
    return [dict(r) for r in records]


async def pushed(conn: asyncpg.Connection, channel: str, sku: str, kind: str, version: int) -> None:
    await conn.execute(
        "UPDATE channel_listing_updates SET pushed_version = greatest(pushed_version, $4),"
        " pushed_at = now(), attempts = 0, leased_until = NULL, last_error = NULL"
        " WHERE channel = $1 AND sku = $2 AND kind = $3",
        channel,
        sku,
        kind,
        version,
    )


async def defer(
    conn: asyncpg.Connection, channel: str, sku: str, kind: str, error: str, delay: float
) -> None:
    await conn.execute(
        "UPDATE channel_listing_updates SET last_error = $4, leased_until = NULL,"
        " attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $5)"
        " WHERE channel = $1 AND sku = $2 AND kind = $3",
        channel,
        sku,
        kind,
        error,
        delay,
    )


async def prices_due_now(conn: asyncpg.Connection, channel: str, skus: list[str]) -> None:
    """The channel lists these SKUs from now on: their prices are due at once."""
    await conn.execute(
        "UPDATE channel_listing_updates SET next_attempt_at = now()"
        " WHERE channel = $1 AND sku = ANY($2) AND kind = 'price'",
        channel,
        skus,
    )


async def seconds_until_due(conn: asyncpg.Connection, channel: str) -> float | None:
    """When the channel's next deferred listing update falls due; None: nothing."""
    value = await conn.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM channel_listing_updates"
        " WHERE channel = $1 AND version > pushed_version",
        channel,
    )
    return float(value) if value is not None else None


async def last_tick(conn: asyncpg.Connection) -> datetime | None:
    """When the price clock last repriced (None: never)."""
    value: datetime | None = await conn.fetchval("SELECT ticked_at FROM price_clock")
    return value


async def ticked(conn: asyncpg.Connection, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO price_clock (ticked_at) VALUES ($1)"
        " ON CONFLICT (one) DO UPDATE SET ticked_at = EXCLUDED.ticked_at",
        at,
    )


async def upsert_customer(conn: asyncpg.Connection, customer: CustomerChanged) -> None:
    """Newest ERP revision wins: a redelivered or older record changes nothing."""
    await conn.execute(
        "INSERT INTO customers (customer_id, email, name, company, currency,"
        " credit_limit_minor, balance_minor, balance_as_of, price_list, revision)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (customer_id) DO UPDATE SET email = EXCLUDED.email,"
        " name = EXCLUDED.name, company = EXCLUDED.company, currency = EXCLUDED.currency,"
        " credit_limit_minor = EXCLUDED.credit_limit_minor,"
        " balance_minor = EXCLUDED.balance_minor, balance_as_of = EXCLUDED.balance_as_of,"
        " price_list = EXCLUDED.price_list, revision = EXCLUDED.revision"
        " WHERE customers.revision < EXCLUDED.revision",
        customer.customer_id,
        customer.email,
        customer.name,
        customer.company,
        customer.currency,
        customer.credit_limit_minor,
        customer.balance_minor,
        customer.balance_as_of,
        {p.sku: p.amount_minor for p in customer.price_list},
        customer.revision,
    )


async def customer(conn: asyncpg.Connection, customer_id: str) -> dict[str, Any] | None:
    record = await conn.fetchrow("SELECT * FROM customers WHERE customer_id = $1", customer_id)
    return dict(record) if record else None
