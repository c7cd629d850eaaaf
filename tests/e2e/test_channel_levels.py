"""Shopify's `inventory_levels/update`, as the store sends it for every change of a level
(the hub's own pushes too): the hub's pushes echoed back change nothing, a merchant's
edit at the location the hub sets is drift and is corrected, an untracked item is never
a 0, an older report never overwrites a newer one, an item the hub cannot name is said."""

import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.channels import levels, list_everywhere, overwrite
from tests.support.hub import Hub
from tests.support.waiting import eventually

CHANNEL = "shopify-test"


@pytest.fixture
async def level_webhooks(hub: Hub, client: httpx.AsyncClient) -> AsyncIterator[None]:
    """The simulated store reports every level change to the hub, as Shopify would."""
    hook = {
        "url": hub.url("storefront-gateway", "/webhooks/shopify"),
        "shop": hub.shop,
        "secret": hub.shopify_secret,
    }
    (
        await client.post(hub.url("storefront-api", "/_webhooks/shopify"), json=hook)
    ).raise_for_status()
    yield
    await client.post(hub.url("storefront-api", "/_webhooks/shopify"), json={"url": ""})


async def reported(hub: Hub, client: httpx.AsyncClient, sku: str) -> dict[str, Any]:
    answer = await client.get(hub.url("storefront-gateway", f"/channels/{CHANNEL}/levels/{sku}"))
    answer.raise_for_status()
    return dict(answer.json())


async def shown(hub: Hub, client: httpx.AsyncClient, sku: str, quantity: int) -> bool:
    return (await levels(hub, client, CHANNEL)).get(sku) == quantity


async def corrected(hub: Hub, client: httpx.AsyncClient, sku: str, quantity: int) -> Any:
    """The store shows the hub's quantity again (else what the hub made of its report)."""
    if await shown(hub, client, sku, quantity):
        return True
    print("not yet:", await reported(hub, client, sku))  # shown in the test's log on failure
    return None


async def test_the_hubs_own_pushes_echo_back_in_step_and_an_edit_is_corrected(
    hub: Hub, client: httpx.AsyncClient, level_webhooks: None
) -> None:
    sku = f"LVL-{uuid.uuid4().hex[:8]}"
    await list_everywhere(hub, client, [sku])
    await hub.set_stock(client, sku, "wh-1", 10)
    await eventually(lambda: shown(hub, client, sku, 10))

    async def echoed() -> dict[str, Any] | None:
        found = await reported(hub, client, sku)
        return found if found["levels"] else None

    echo = await eventually(echoed)
    [level] = echo["levels"]
    assert (level["available"], level["verdict"]) == (10, "in_step"), level
    assert echo["drift"] is None

    # A merchant types 25 in Shopify's admin: more than the ledger has — corrected at once.
    await overwrite(hub, client, CHANNEL, {sku: 25})
    await eventually(lambda: corrected(hub, client, sku, 10))
    drift = (await reported(hub, client, sku))["drift"]
    assert drift is not None and (drift["expected"], drift["actual"]) == (10, 25)

    # Fewer than the hub set (it could be the store's own sale): corrected after the
    # channel's grace (1 s in the test hub), from what the store holds.
    await overwrite(hub, client, CHANNEL, {sku: 4})
    await eventually(lambda: corrected(hub, client, sku, 10), timeout=20)
    stock = await hub.stock(client, sku)
    assert stock["on_hand"] == 10  # the store's numbers never became the ledger's


def level_hook(hub: Hub, item: int, available: int | None, at: datetime, location: int = 1) -> Any:
    payload = {
        "inventory_item_id": item,
        "location_id": location,
        "available": available,
        "updated_at": at.isoformat(),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}",
    }
    return signed_shopify(payload, hub.shop, hub.shopify_secret, topic="inventory_levels/update")


async def test_levels_the_hub_cannot_take_are_said_and_never_become_counts(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = f"LVL-{uuid.uuid4().hex[:8]}"
    item = random.randrange(10**12, 10**13)
    now = datetime.now(UTC).replace(microsecond=0)

    unknown = await hub.deliver(client, level_hook(hub, item, 3, now))
    assert unknown.status_code == 200 and unknown.json()["status"] == "unknown_item"

    csv = f"inventory_item_id,sku\ngid://shopify/InventoryItem/{item},{sku}\nnot-a-number,X\n"
    loaded = await client.put(
        hub.url("storefront-gateway", f"/channels/{CHANNEL}/inventory-items"),
        content=csv.encode(),
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["loaded"] == 1 and loaded.json()["problems"][0]["line"] == 3

    untracked = await hub.deliver(client, level_hook(hub, item, None, now + timedelta(seconds=1)))
    assert untracked.json()["status"] == "untracked", untracked.text
    [level] = (await reported(hub, client, sku))["levels"]
    assert level["available"] is None  # not a 0

    newer = await hub.deliver(client, level_hook(hub, item, 7, now + timedelta(seconds=5)))
    assert newer.json()["status"] == "not_synced"  # the hub never set this SKU there
    older = await hub.deliver(client, level_hook(hub, item, 2, now + timedelta(seconds=3)))
    assert older.json()["status"] == "stale"
    [level] = (await reported(hub, client, sku))["levels"]
    assert level["available"] == 7

    elsewhere = await hub.deliver(client, level_hook(hub, item, 9, now, location=999))
    assert elsewhere.json()["status"] == "other_location"

    anyone = await client.put(
        hub.url("storefront-gateway", f"/channels/{CHANNEL}/inventory-items"), content=csv.encode()
    )
    assert anyone.status_code in (401, 403)  # loading is an operator's, not a reader's


async def load_item(hub: Hub, client: httpx.AsyncClient, item: int, sku: str) -> None:
    answer = await client.put(
        hub.url("storefront-gateway", f"/channels/{CHANNEL}/inventory-items"),
        content=f"inventory_item_id,sku\n{item},{sku}\n".encode(),
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert answer.status_code == 200 and answer.json()["loaded"] == 1, answer.text


async def test_a_location_the_channel_counts_takes_its_count_into_the_ledger(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The test hub's Shopify counts wh-2 at its location 8801 (`counted_locations`)."""
    sku = f"CNT-{uuid.uuid4().hex[:8]}"
    item = random.randrange(10**12, 10**13)
    await load_item(hub, client, item, sku)
    await hub.set_stock(client, sku, "wh-2", 5)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(sku, 2, "3.00")])
    hook = signed_shopify(order, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_at_3pl(client, order_id)  # 2 reserved at wh-2
    now = datetime.now(UTC).replace(microsecond=0)

    counted = await hub.deliver(client, level_hook(hub, item, 8, now, location=8801))
    assert counted.json()["status"] == "counted", counted.text

    async def at_wh2() -> dict[str, Any] | None:
        stock = await hub.stock(client, sku)
        [here] = [s for s in stock["locations"] if s["location"] == "wh-2"]
        return here if here["on_hand"] != 5 else None

    here = await eventually(at_wh2)
    # The shelf shows 8 free; the 2 the hub holds for the order are on top of them.
    assert (here["on_hand"], here["reserved"], here["available"]) == (10, 2, 8)

    late = await hub.deliver(client, level_hook(hub, item, 1, now - timedelta(seconds=30), 8801))
    assert late.json()["status"] == "stale"
    below = await hub.deliver(client, level_hook(hub, item, -3, now + timedelta(seconds=2), 8801))
    assert below.json()["status"] == "counted"

    async def emptied() -> dict[str, Any] | None:
        found = await at_wh2()
        return found if found and found["available"] == 0 else None

    here = await eventually(emptied)
    assert (here["on_hand"], here["reserved"]) == (2, 2)  # never below what is reserved
    audit = (await client.get(hub.url("inventory-ledger", "/stock-audit"))).json()
    assert audit["consistent"], audit["mismatches"]  # the counts are movements like any other
