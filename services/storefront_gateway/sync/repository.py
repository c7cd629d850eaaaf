"""SQL on the gateway's stock-sync tables: the ledger read model and per-channel pushes."""

from datetime import datetime
from typing import Any

import asyncpg


async def record_level(
    conn: asyncpg.Connection, sku: str, location: str, available: int, version: int
) -> bool:
    """True when this level is newer than what we had; an older or repeated one changes
    nothing (stock-levels may redeliver, and per-key order is all Kafka promises)."""
    status = await conn.execute(
        "INSERT INTO location_stock (sku, location, available, version) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (sku, location) DO UPDATE SET available = EXCLUDED.available,"
        " version = EXCLUDED.version WHERE location_stock.version < EXCLUDED.version",
        sku,
        location,
        available,
        version,
    )
    return bool(status.endswith(" 1"))


async def totals_by_channel(
    conn: asyncpg.Connection, sku: str, scopes: dict[str, tuple[str, ...] | None]
) -> dict[str, tuple[int, int]]:
    """Per channel, the units free across the locations it sells from (None: all) and the
    sum of their versions (which only grows): one statement for every channel."""
    records = await conn.fetch(
        "SELECT s.channel, coalesce(sum(greatest(l.available, 0)), 0) AS free,"
        " coalesce(sum(l.version), 0) AS v"
        " FROM jsonb_to_recordset($2::jsonb) AS s(channel text, locations text[])"
        " LEFT JOIN location_stock l ON l.sku = $1"
        "  AND (s.locations IS NULL OR l.location = ANY (s.locations))"
        " GROUP BY s.channel",
        sku,
        [{"channel": c, "locations": scope} for c, scope in scopes.items()],  # the pool's codec
    )
    return {r["channel"]: (int(r["free"]), int(r["v"])) for r in records}


async def set_desired(
    conn: asyncpg.Connection,
    sku: str,
    wanted: dict[str, tuple[int, int]],
    changed_at: datetime,
) -> None:
    """What each channel should show now (channel -> desired, version), in one statement;
    a row already pushed becomes due again and remembers when it fell behind."""
    await conn.execute(
        "INSERT INTO channel_stock (channel, sku, desired, desired_version, dirty_since)"
        " SELECT w.channel, $1, w.desired, w.version, $5"
        " FROM unnest($2::text[], $3::int[], $4::bigint[]) AS w(channel, desired, version)"
        " ON CONFLICT (channel, sku) DO UPDATE SET desired = EXCLUDED.desired,"
        " desired_version = EXCLUDED.desired_version, changes = channel_stock.changes + 1,"
        " dirty_since = CASE WHEN channel_stock.desired_version <= channel_stock.pushed_version"
        "   THEN EXCLUDED.dirty_since ELSE channel_stock.dirty_since END"
        " WHERE channel_stock.desired_version < EXCLUDED.desired_version",
        sku,
        list(wanted),
        [desired for desired, _ in wanted.values()],
        [version for _, version in wanted.values()],
        changed_at,
    )


async def claim_due(
    conn: asyncpg.Connection,
    channel: str,
    limit: int,
    lease_seconds: float,
    stock_outs_only: bool = False,
) -> list[dict[str, Any]]:
    """Due rows of one channel, stock-outs first, then the longest waiting."""
    records = await conn.fetch(
        "UPDATE channel_stock c SET leased_until = now() + make_interval(secs => $3)"
        " FROM (SELECT channel, sku FROM channel_stock"
        "   WHERE channel = $1 AND desired_version > pushed_version"
        "   AND next_attempt_at <= now() AND (NOT $4 OR desired = 0)"
        "   AND (leased_until IS NULL OR leased_until < now())"
        "   ORDER BY desired = 0 DESC, dirty_since LIMIT $2 FOR UPDATE SKIP LOCKED) due"
        " WHERE c.channel = due.channel AND c.sku = due.sku"
        " RETURNING c.sku, c.desired, c.desired_version, c.pushed, c.listing, c.attempts,"
        " c.dirty_since",
        channel,
        limit,
        lease_seconds,
        stock_outs_only,
    )
    return [dict(r) for r in records]


async def pushed(
    conn: asyncpg.Connection, channel: str, sku: str, quantity: int, version: int
) -> None:
    # One row a statement, outside any transaction: the stock consumer's batch holds the
    # rows it upserts until its commit, and a pusher holding several locks at once
    # deadlocks with it (measured: a multi-row update here did).
    await conn.execute(
        "UPDATE channel_stock SET pushed = $3, pushed_version = greatest(pushed_version, $4),"
        " pushed_at = now(), pushes = pushes + 1, attempts = 0, leased_until = NULL,"
        " last_error = NULL WHERE channel = $1 AND sku = $2",
        channel,
        sku,
        quantity,
        version,
    )


async def save_listing(
    conn: asyncpg.Connection,
    channel: str,
    sku: str,
    listing: dict[str, Any] | None,
    recheck_seconds: float,
) -> None:
    """The channel's ids for the SKU. None: the channel does not sell it (not an error);
    its catalog is read again after `recheck_seconds`, in case the merchant lists it."""
    await conn.execute(
        "UPDATE channel_stock SET listing = $3, listed = $4, leased_until = NULL,"
        " next_attempt_at = CASE WHEN $4 THEN next_attempt_at"
        "   ELSE now() + make_interval(secs => $5) END"
        " WHERE channel = $1 AND sku = $2",
        channel,
        sku,
        listing,
        listing is not None,
        recheck_seconds,
    )


async def defer(
    conn: asyncpg.Connection,
    channel: str,
    sku: str,
    error: str,
    delay: float,
    actual: int | None = None,
    counts: bool = True,
    forget: bool = False,
) -> None:
    """Try again later; `actual` is what the channel turned out to hold (compare-and-set);
    `forget` drops the listing so that the next attempt looks it up again."""
    await conn.execute(
        "UPDATE channel_stock SET last_error = $3, leased_until = NULL,"
        " next_attempt_at = now() + make_interval(secs => $4),"
        " attempts = attempts + $5::int, pushed = coalesce($6, pushed),"
        " listing = CASE WHEN $7 THEN NULL ELSE listing END,"
        " listed = CASE WHEN $7 THEN NULL ELSE listed END"
        " WHERE channel = $1 AND sku = $2",
        channel,
        sku,
        error,
        delay,
        1 if counts else 0,
        actual,
        forget,
    )


async def ledger_view(
    conn: asyncpg.Connection, locations: tuple[str, ...] | None
) -> dict[str, tuple[int, int]]:
    """Every SKU the ledger has told us of (0 free where none of these locations holds
    it): units free in these locations, and the sum of their versions."""
    records = await conn.fetch(
        "SELECT sku, coalesce(sum(greatest(available, 0)) FILTER (WHERE mine), 0) AS free,"
        " coalesce(sum(version) FILTER (WHERE mine), 0) AS v FROM ("
        "   SELECT *, ($1::text[] IS NULL OR location = ANY($1)) AS mine FROM location_stock"
        " ) s GROUP BY sku",
        list(locations) if locations is not None else None,
    )

    return {r["sku"]: (int(r["free"]), int(r["v"])) for r in records}


async def pending_skus(conn: asyncpg.Connection, channel: str) -> set[str]:
    """SKUs with a change on its way to the channel: not drift, just not there yet."""
    records = await conn.fetch(
        "SELECT sku FROM channel_stock WHERE channel = $1 AND desired_version > pushed_version"
        " AND listed IS NOT FALSE",
        channel,
    )
    return {r["sku"] for r in records}


async def note_drift(
    conn: asyncpg.Connection, channel: str, drift: list[tuple[str, int | None, int | None]]
) -> dict[str, datetime]:
    """Keep the differences seen now (with when each was first seen); forget healed ones."""
    await conn.execute(
        "DELETE FROM stock_drift WHERE channel = $1 AND NOT sku = ANY($2)",
        channel,
        [sku for sku, _, _ in drift],
    )
    await conn.executemany(
        "INSERT INTO stock_drift (channel, sku, expected, actual) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (channel, sku) DO UPDATE SET expected = EXCLUDED.expected,"
        " actual = EXCLUDED.actual, last_seen = now()",
        [(channel, sku, expected, actual) for sku, expected, actual in drift],
    )
    records = await conn.fetch(
        "SELECT sku, first_seen FROM stock_drift WHERE channel = $1", channel
    )
    return {r["sku"]: r["first_seen"] for r in records}


async def force_push(
    conn: asyncpg.Connection, channel: str, sku: str, desired: int, version: int, actual: int
) -> None:
    """The channel holds `actual`, not what we told it: make the truth due again."""
    await conn.execute(
        "INSERT INTO channel_stock (channel, sku, desired, desired_version, dirty_since, pushed)"
        " VALUES ($1, $2, $3, $4, now(), $5)"
        " ON CONFLICT (channel, sku) DO UPDATE SET desired = greatest(0, EXCLUDED.desired),"
        " desired_version = greatest(channel_stock.desired_version, EXCLUDED.desired_version),"
        " pushed = EXCLUDED.pushed, pushed_version = 0, dirty_since = now(),"
        " next_attempt_at = now(), listed = NULL",
        channel,
        sku,
        desired,
        version,
        actual,
    )


async def seconds_until_due(conn: asyncpg.Connection, channel: str) -> float | None:
    """When the channel's next deferred stock row falls due; None: nothing."""
    value = await conn.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM channel_stock"
        " WHERE channel = $1 AND desired_version > pushed_version",
        channel,
    )
    return float(value) if value is not None else None


async def now_listed(conn: asyncpg.Connection, channel: str, skus: list[str]) -> None:
    """The channel lists these SKUs from now on: their stock is due at once."""
    await conn.execute(
        "UPDATE channel_stock SET listed = NULL, listing = NULL, next_attempt_at = now()"
        " WHERE channel = $1 AND sku = ANY($2)",
        channel,
        skus,
    )
