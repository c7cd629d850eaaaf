"""A channel connected by a mapping file alone; what it cannot map is quarantined with
the exact reason, and once the cross-reference is fixed, replayed exactly once."""

import asyncio
import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import SETTLED, Hub
from tests.support.hub_files import CUSTOM_SHOP, SOCIAL_SHOP

ROOT = Path(__file__).resolve().parents[2]

# Where the social shop says the parcel goes (config/mappings/social-shop.yaml).
SOCIAL_RECIPIENT = {
    "name": "Zoë Example",
    "address_line1": "233 S Wacker Dr",
    "city": "Chicago",
    "state": "IL",
    "postal_code": "60606",
    "region_code": "US",
}


def social_order(
    order_id: str, item: str, quantity: int = 1, event: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event or f"evt-{uuid.uuid4().hex[:10]}",
        "type": "ORDER_PLACED",
        "shop_id": SOCIAL_SHOP,
        "data": {
            "order_id": order_id,
            "payment": {"currency": "USD", "total": f"{12 * quantity}.00"},
            "recipient": SOCIAL_RECIPIENT,
            "items": [
                {
                    "line_id": 1,
                    "seller_sku": item,
                    "product_name": "Poster",
                    "quantity": quantity,
                    "unit_price": "12.00",
                }
            ],
        },
    }


async def send(hub: Hub, client: httpx.AsyncClient, payload: Any, **tweak: str) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signature = hmac.new(hub.store_keys["social_secret"].encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "content-type": "application/json",
        "X-Social-Signature": tweak.get("signature", signature),
        "X-Social-Shop-Id": tweak.get("shop", SOCIAL_SHOP),
    }
    return await client.post(
        hub.url("storefront-gateway", "/webhooks/json/social-test"), content=body, headers=headers
    )


async def load_xref(hub: Hub, client: httpx.AsyncClient, csv_text: str) -> dict[str, Any]:
    response = await client.put(
        hub.url("storefront-gateway", "/xref"),
        content=csv_text.encode(),
        headers={"Authorization": f"Bearer {hub.admin_token}", "content-type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_quarantine_fix_the_cross_reference_replay_and_the_order_flows_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, item = f"POSTER-{tag}", f"IT-{tag}"
    await hub.set_stock(client, sku, "wh-1", 10)
    first = await send(hub, client, social_order(f"SO-{tag}-1", item))
    second = await send(hub, client, social_order(f"SO-{tag}-2", item, quantity=2))
    reason = f"order.lines[0].sku: unknown item_number '{item}' (no SKU in the cross-reference)"
    for response in (first, second):
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["reason"]) == ("quarantined", reason)

    listed = (await client.get(hub.url("storefront-gateway", "/quarantine"))).json()
    [group] = [g for g in listed["by_reason"] if g["reason"] == reason]
    assert group["count"] == 2 and group["channels"] == ["social-test"]
    shown = (
        await client.get(
            hub.url("storefront-gateway", f"/quarantine/{first.json()['delivery_id']}")
        )
    ).json()
    assert shown["platform"] == "json" and item in shown["payload"] and shown["reason"] == reason

    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    replay_url = hub.url("storefront-gateway", "/quarantine/replay")
    still = (await client.post(replay_url, json={"reason": reason}, headers=auth)).json()
    assert (still["replayed"], still["accepted"]) == (2, 0)  # nothing fixed yet: still there

    loaded = await load_xref(hub, client, f"\ufeffsku;item_number\r\n{sku};{item}\r\n;\r\n")
    assert loaded == {"loaded": 1, "problems": []}
    replayed = (await client.post(replay_url, json={"reason": reason}, headers=auth)).json()
    assert (replayed["replayed"], replayed["accepted"]) == (2, 2)
    # Oldest first: the order they arrived in.
    assert [r["delivery_id"] for r in replayed["results"]] == [
        first.json()["delivery_id"],
        second.json()["delivery_id"],
    ]
    for result in replayed["results"]:
        assert (await hub.settled_order(client, result["order_id"]))["status"] in SETTLED - {
            "rejected"
        }
    again = (await client.post(replay_url, json={"reason": reason}, headers=auth)).json()
    assert again["replayed"] == 0
    stock = await hub.stock(client, sku)
    assert stock["reserved"] == 3  # 1 + 2, each order once

    placed = [
        json.loads(r.value)
        for r in await hub.records("storefront-orders")
        if json.loads(r.value).get("channel_order_ref", "").startswith(f"SO-{tag}")
    ]
    assert sorted(p["channel_order_ref"] for p in placed) == [f"SO-{tag}-1", f"SO-{tag}-2"]


async def test_a_redelivered_event_is_one_order(hub: Hub, client: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    await load_xref(hub, client, f"sku,item_number\nSOC-{tag},IT-{tag}\n")
    await hub.set_stock(client, f"SOC-{tag}", "wh-1", 5)
    payload = social_order(f"SO-{tag}", f"IT-{tag}", event=f"evt-{tag}")
    assert (await send(hub, client, payload)).json()["status"] == "accepted"
    assert (await send(hub, client, payload)).json()["status"] == "duplicate"


async def test_bad_json_deliveries_are_refused_with_a_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    payload = social_order("SO-X", "IT-X")
    forged = await send(hub, client, payload, signature="00" * 32)
    assert forged.status_code == 401 and "X-Social-Signature" in forged.text
    other_shop = await send(hub, client, payload, shop="SOC-OTHER")
    assert other_shop.status_code == 401 and "X-Social-Shop-Id" in other_shop.text
    assert (await send(hub, client, b"{not json")).status_code == 400
    no_id = {k: v for k, v in payload.items() if k != "event_id"}
    assert (await send(hub, client, no_id)).status_code == 422
    unknown = await client.post(hub.url("storefront-gateway", "/webhooks/json/nope"), content=b"{}")
    assert unknown.status_code == 404
    ignored = await send(hub, client, {**payload, "type": "PRODUCT_UPDATED"})
    assert ignored.json()["status"] == "ignored"


async def test_a_mapping_is_dry_run_against_sample_payloads(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    await load_xref(hub, client, "sku,item_number\nTEE-BLK-M,IT-1001\nMUG-WHT,IT-2001\n")
    fixtures = ROOT / "tests" / "fixtures" / "social"
    payloads = [
        json.loads((fixtures / n).read_text())
        for n in ("order_placed.json", "order_unknown_item.json")
    ]
    url = hub.url("storefront-gateway", "/mappings/social-test/test")
    run = (await client.post(url, json={"payloads": payloads})).json()
    assert run["failed"] == 1
    assert run["results"][0]["event"]["totals"]["total_minor"] == 6148
    assert "unknown item_number 'ABC-1'" in run["results"][1]["error"]
    text = (ROOT / "config" / "mappings" / "social-shop.yaml").read_text()
    broken = await client.post(
        url, json={"payloads": payloads, "mapping": text.replace("each:", "eachh:")}
    )
    assert broken.status_code == 422 and "<mapping sent>:" in broken.text and "eachh" in broken.text
    shopify = await client.post(
        hub.url("storefront-gateway", "/mappings/shopify-test/test"), json={"payloads": [{"id": 1}]}
    )
    # Not an order at all: the platform's mapping names the first field it needs.
    assert (
        shopify.json()["results"][0]["error"]
        == "order.currency: missing ('currency' found nothing)"
    )


async def test_the_cross_reference_is_queryable(hub: Hub, client: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    report = await load_xref(
        hub,
        client,
        f'sku,item_number,barcode\n"TEE-{tag}",IT-{tag},"0{tag}"\n,IT-ORPHAN,\nOTHER-{tag},IT-{tag},\n',
    )
    assert report["loaded"] == 2
    assert report["problems"] == [
        "line 3: no sku",
        f"line 4: item_number 'IT-{tag}' is already TEE-{tag}, not OTHER-{tag}",
    ]
    found = (await client.get(hub.url("storefront-gateway", f"/xref/skus/TEE-{tag}"))).json()
    assert found["identifiers"] == {"barcode": [f"0{tag}"], "item_number": [f"IT-{tag}"]}
    by_id = await client.get(hub.url("storefront-gateway", f"/xref/item_number/IT-{tag}"))
    assert by_id.json()["sku"] == f"TEE-{tag}"


async def crossdock(hub: Hub, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CROSSDOCK_ADMIN_TOKEN": hub.admin_token,
        "CROSSDOCK_OPERATOR_TOKEN": hub.operator_token,
        "CROSSDOCK_GATEWAY_URL": hub.url("storefront-gateway", ""),
    }
    command = [sys.executable, "-m", "tools.cli", *args]
    return await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True)


async def test_the_mapping_test_command_prints_events_or_the_failing_field(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    await load_xref(hub, client, "sku,item_number\nTEE-BLK-M,IT-1001\nMUG-WHT,IT-2001\n")
    fixtures = ROOT / "tests" / "fixtures" / "social"
    good, bad = str(fixtures / "order_placed.json"), str(fixtures / "order_unknown_item.json")
    done = await crossdock(hub, "mapping", "test", "social-test", good, bad)
    assert done.returncode == 1, done.stderr
    assert f"{good}: OK" in done.stdout and '"sku": "MUG-WHT"' in done.stdout
    assert f"{bad}: FAILED order.lines[0].sku: unknown item_number 'ABC-1'" in done.stdout
    assert "1 of 2 payloads map" in done.stdout


async def test_the_quarantine_command_lists_by_reason_and_replays(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    await hub.set_stock(client, f"CLI-{tag}", "wh-1", 3)
    sent = await send(hub, client, social_order(f"SO-{tag}", f"IT-CLI-{tag}"))
    delivery = sent.json()["delivery_id"]
    listed = await crossdock(hub, "quarantine", "list")
    assert (
        f"unknown item_number 'IT-CLI-{tag}' (no SKU in the cross-reference) — 1 deliveries"
        in listed.stdout
    )
    shown = await crossdock(hub, "quarantine", "show", "--id", str(delivery))
    assert json.loads(shown.stdout)["channel"] == "social-test"
    await load_xref(hub, client, f"sku,item_number\nCLI-{tag},IT-CLI-{tag}\n")
    replayed = await crossdock(hub, "quarantine", "replay", "--id", str(delivery))
    assert replayed.returncode == 0 and "replayed 1, accepted 1" in replayed.stdout


async def test_a_merchant_s_own_shopify_mapping_overrides_the_built_in_one(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku = f"CUSTOM-{tag}"
    await hub.set_stock(client, sku, "wh-1", 4)
    await load_xref(hub, client, f"sku,item_number\n{sku},LEG-{tag}\n")
    order = shopify_order(int(uuid.uuid4().int % 10**12), [Line(f"LEG-{tag}", 2, "7.00")])
    hook = signed_shopify(order, CUSTOM_SHOP, hub.shopify_secret)
    response = await hub.deliver(client, hook)
    assert response.json()["status"] == "accepted", response.text
    placed = await hub.settled_order(client, response.json()["order_id"])
    assert placed["lines"][0]["sku"] == sku  # through the merchant's item numbers
    cancelled = {**order, "cancel_reason": "customer"}
    hook = signed_shopify(cancelled, CUSTOM_SHOP, hub.shopify_secret, topic="orders/cancelled")
    assert (await hub.deliver(client, hook)).json()["status"] == "accepted"
    done = await hub.order_in(client, placed["order_id"], {"cancelled"})
    assert done["reason"] == "customer"  # the mapping file's cancellation reason
    unknown = shopify_order(int(uuid.uuid4().int % 10**12), [Line("LEG-NOPE", 1, "7.00")])
    quarantined = await hub.deliver(
        client, signed_shopify(unknown, CUSTOM_SHOP, hub.shopify_secret)
    )
    assert quarantined.json()["unmapped_lines"][0]["reason"] == (
        "line 'Item': order.lines[0].sku: unknown item_number 'LEG-NOPE'"
        " (no SKU in the cross-reference)"
    )


async def test_an_order_cancelled_while_quarantined_never_ships_once_replayed(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, item = f"HELD-{tag}", f"IT-{tag}"
    await hub.set_stock(client, sku, "wh-1", 5)
    kept = await send(hub, client, social_order(f"SO-{tag}", item))
    assert kept.json()["status"] == "quarantined"
    cancel = {
        "event_id": f"evt-{uuid.uuid4().hex[:10]}",
        "type": "ORDER_CANCELLED",
        "shop_id": SOCIAL_SHOP,
        "data": {"order_id": f"SO-{tag}", "cancel_reason": "buyer changed their mind"},
    }
    cancelled = await send(hub, client, cancel)
    assert cancelled.json()["status"] == "accepted", cancelled.text

    await load_xref(hub, client, f"sku,item_number\n{sku},{item}\n")
    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    replay_url = hub.url("storefront-gateway", "/quarantine/replay")
    chosen = {"ids": [kept.json()["delivery_id"]]}
    [replayed] = (await client.post(replay_url, json=chosen, headers=auth)).json()["results"]
    assert replayed["status"] == "accepted", replayed

    order = await hub.order_in(client, replayed["order_id"], {"cancelled"})
    assert order["reason"] == "buyer changed their mind"
    assert (await hub.stock(client, sku))["reserved"] == 0


async def test_cancelling_an_order_closes_its_quarantined_lines(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    order = shopify_order(int(uuid.uuid4().int % 10**12), [Line(f"LEG-GONE-{tag}", 1, "7.00")])
    placed = await hub.deliver(client, signed_shopify(order, CUSTOM_SHOP, hub.shopify_secret))
    order_id = placed.json()["order_id"]

    async def lines_of_the_order(key: str) -> list[dict[str, Any]]:
        listed = (await client.get(hub.url("storefront-gateway", "/quarantine"))).json()
        return [line for line in listed[key] if line["order_id"] == order_id]

    assert len(await lines_of_the_order("lines")) == 1, "the line waits to be mapped"
    cancelled = {**order, "cancel_reason": "customer"}
    hook = signed_shopify(cancelled, CUSTOM_SHOP, hub.shopify_secret, topic="orders/cancelled")
    assert (await hub.deliver(client, hook)).json()["status"] == "accepted"

    assert await lines_of_the_order("lines") == [], "nobody maps a line that will never ship"
    [closed] = await lines_of_the_order("closed_lines")
    assert closed["closed_reason"] == "order cancelled by shopify-custom: customer", closed
