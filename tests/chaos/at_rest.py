"""The promises about a hub at rest: channels show the ledger, nothing is left to do,
nothing was parked but the poison, every order has come to rest. What `quiet` waits for
is read here too."""

import asyncio
import time

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from shared.topics import dead_letter_topic
from tests.chaos.verdict import AT_REST, SCHEMAS, Verdict
from tests.chaos.workload import Sent, Workload
from tests.support.channels import CHANNELS, expected, levels
from tests.support.hub import SERVICES, Hub

# A channel may lag the ledger by one push after the hub is quiet; this is how long.
CHANNEL_GRACE_SECONDS = 10.0


async def channel_drift(hub: Hub, client: httpx.AsyncClient, work: Workload) -> list[dict]:
    """Each SKU a channel shows otherwise than the ledger's available-to-sell for it."""
    shown = {channel: await levels(hub, client, channel) for channel in CHANNELS}
    off = []
    for sku in work.skus:
        stock = await hub.stock(client, sku)
        for channel in CHANNELS:
            want, got = expected(channel, stock), shown[channel].get(sku)
            if got != want:
                off.append({"channel": channel, "sku": sku, "shows": got, "ledger": want})
    return off


async def i7_channels_show_the_ledger(
    hub: Hub, client: httpx.AsyncClient, work: Workload
) -> Verdict:
    deadline = time.monotonic() + CHANNEL_GRACE_SECONDS
    off = await channel_drift(hub, client, work)
    for _ in range(int(CHANNEL_GRACE_SECONDS * 2)):
        if not off or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.5)
        off = await channel_drift(hub, client, work)
    return Verdict(
        f"I7 every channel shows the ledger's available-to-sell within"
        f" {CHANNEL_GRACE_SECONDS:.0f} s of quiet",
        not off,
        {"channels": len(CHANNELS), "skus": len(work.skus), "off": off[:10]},
    )


async def tracking_reached_channels(
    conn: asyncpg.Connection, hub: Hub, client: httpx.AsyncClient, sent: Sent
) -> Verdict:
    """I11: each parcel's tracking number reached its store exactly once (Shopify: one
    fulfillment; WooCommerce: one customer note), and no update to a channel was given up."""
    rows = await conn.fetch(
        "SELECT s.channel, d.tracking_number FROM shipping_bridge.dispatches d"
        " JOIN shipping_bridge.shipments s USING (shipment_id)"
        " WHERE s.order_id = ANY($1::uuid[]) AND s.channel IN ('shopify-test', 'woo-test')",
        list(sent.orders),
    )
    received = (await client.get(hub.url("storefront-api", "/_received"))).json()
    told = [f["tracking_info"]["number"] for f in received["fulfillments"]]
    told += [n["note"].split("tracking ")[1].split(" ")[0] for n in received["notes"]]
    missing = [r["tracking_number"] for r in rows if told.count(r["tracking_number"]) == 0]
    twice = sorted({n for n in told if told.count(n) > 1})
    given_up = await conn.fetchval(
        "SELECT count(*) FROM storefront_gateway.channel_updates"
        " WHERE status = 'failed' AND order_id = ANY($1::uuid[])",
        list(sent.orders),
    )
    return Verdict(
        "I11 every parcel's tracking reached its store exactly once",
        not missing and not twice and not given_up,
        {
            "parcels": len(rows),
            "missing": missing[:10],
            "told_twice": twice[:10],
            "updates_given_up": given_up,
        },
    )


async def updates_owed(conn: asyncpg.Connection, sent: Sent) -> int:
    """Status and tracking the gateway still owes a channel."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM storefront_gateway.channel_updates"
            " WHERE status = 'pending' AND order_id = ANY($1::uuid[])",
            list(sent.orders),
        )
    )


async def pushes_owed(conn: asyncpg.Connection, work: Workload) -> int:
    """Channel stock the gateway still owes a push (a channel that was down, say)."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM storefront_gateway.channel_stock WHERE sku = ANY($1)"
            " AND desired_version > pushed_version AND listed IS NOT false",
            work.skus,
        )
    )


async def outbox_rows(conn: asyncpg.Connection) -> dict[str, int]:
    return {s: await conn.fetchval(f'SELECT count(*) FROM "{s}".outbox') for s in SCHEMAS}


async def consumer_lag(hub: Hub) -> dict[str, int]:
    """Per consumer group of this hub: messages not yet committed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=hub.infra.kafka)
    consumer = AIOKafkaConsumer(bootstrap_servers=hub.infra.kafka)
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if g[0].startswith(hub.prefix)]
        lag: dict[str, int] = {}
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            ends = await consumer.end_offsets(list(offsets))
            lag[group.removeprefix(hub.prefix)] = sum(
                ends[tp] - meta.offset for tp, meta in offsets.items() if meta.offset >= 0
            )
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def i8_drained(conn: asyncpg.Connection, hub: Hub) -> Verdict:
    outboxes, lag = await outbox_rows(conn), await consumer_lag(hub)
    held = not any(outboxes.values()) and not any(lag.values())
    return Verdict(
        "I8 every outbox empty, every consumer group caught up",
        held,
        {
            "outbox_rows": {k: v for k, v in outboxes.items() if v},
            "lag": {k: v for k, v in lag.items() if v},
            "groups": len(lag),
        },
    )


async def dead_letters(hub: Hub, poison_key: str | None) -> tuple[dict[str, int], int]:
    """Letters per service that are not the poison message, and the poison ones."""
    others: dict[str, int] = {}
    poisoned = 0
    for service in SERVICES:
        topic = dead_letter_topic(service).name
        for record in await hub.records(topic):
            key = record.key.decode(errors="replace") if record.key else None
            if poison_key is not None and key == poison_key:
                poisoned += 1
            else:
                others[service] = others.get(service, 0) + 1
    return others, poisoned


async def i9_no_dead_letters(hub: Hub, poison_key: str | None) -> Verdict:
    others, poisoned = await dead_letters(hub, poison_key)
    return Verdict(
        "I9 nothing dead-lettered but the poison messages",
        not others and (poison_key is None or poisoned > 0),
        {"dead_letters": others, "poison_parked": poisoned},
    )


async def unsettled(conn: asyncpg.Connection, sent: Sent) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM order_router.orders"
        " WHERE order_id = ANY($1::uuid[]) GROUP BY status",
        list(sent.orders),
    )
    return {r["status"]: r["n"] for r in rows if r["status"] not in AT_REST}


async def i10_none_stuck(conn: asyncpg.Connection, sent: Sent) -> Verdict:
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM order_router.orders"
        " WHERE order_id = ANY($1::uuid[]) GROUP BY status",
        list(sent.orders),
    )
    statuses = {r["status"]: r["n"] for r in rows}
    stuck = {k: v for k, v in statuses.items() if k not in AT_REST}
    return Verdict("I10 every order at rest, none stuck", not stuck, {"statuses": statuses})
