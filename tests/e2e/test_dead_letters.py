"""Dead letters are inspectable and replayable: a verdict the order-router could not
take (it did not know the order yet) is parked with the reason, replayed in vain while
nothing changed, then — once the order exists — replayed exactly once."""

import asyncio
import json
import os
import subprocess
import sys
import uuid

import httpx
from aiokafka import AIOKafkaProducer

from shared.events.inventory import Allocation, StockReserved
from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def publish_verdict(hub: Hub, verdict: StockReserved) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=hub.infra.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(
            f"{hub.prefix}stock-reservations",
            verdict.model_dump_json().encode(),
            key=str(verdict.order_id).encode(),
            headers=[
                ("event_type", b"StockReserved"),
                ("event_id", str(verdict.event_id).encode()),
            ],
        )
    finally:
        await producer.stop()


async def test_a_dead_letter_is_listed_replayed_in_vain_then_replayed_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    ref = int(uuid.uuid4().int % 10**12)
    order_id = uuid.UUID(hub.order_id("shopify-test", str(ref)))
    sku = f"DLQ-{uuid.uuid4().hex[:6]}"
    verdict = StockReserved(
        correlation_id=uuid.uuid4(),
        order_id=order_id,
        allocations=(Allocation(sku=sku, location="wh-1", quantity=1),),
    )
    await publish_verdict(hub, verdict)
    url = hub.url("order-router", "/dead-letters")

    async def parked() -> dict | None:
        letters = (await client.get(url)).json()["letters"]
        mine = [x for x in letters if str(order_id) in x["reason"]]
        return mine[0] if mine else None

    letter = await eventually(parked)
    assert letter["consumer"] == "order-router.record-reservation" and not letter["replayed"]
    assert letter["reason"] == f"LookupError: verdict for unknown order {order_id}"
    shown = (await client.get(f"{url}/{letter['offset']}")).json()
    assert json.loads(shown["value"])["event_id"] == str(verdict.event_id)

    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    replay = {"offsets": [letter["offset"]]}
    # A read-only token is not enough to replay.
    assert (await client.post(f"{url}/replay", json=replay)).status_code == 403
    in_vain = (await client.post(f"{url}/replay", json=replay, headers=auth)).json()
    assert in_vain["replayed"] == 0 and "unknown order" in in_vain["results"][0]["outcome"]

    # The order arrives (short of stock, so the ledger rejects it); the parked verdict
    # can now be taken: the router records it against the rejected order, once.
    order = shopify_order(ref, [Line(sku, 1, "5.00")])
    await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    await hub.order_in(client, str(order_id), {"rejected"})
    done = (await client.post(f"{url}/replay", json=replay, headers=auth)).json()
    assert done["replayed"] == 1
    again = (await client.post(f"{url}/replay", json=replay, headers=auth)).json()
    assert again["chosen"] == 0  # a replayed letter is not replayed again
    await asyncio.sleep(0.2)
    timeline = (await hub.order(client, str(order_id)) or {})["timeline"]
    assert [e["event_id"] for e in timeline].count(str(verdict.event_id)) == 1
    assert (await parked() or {}).get("replayed") is True


async def test_the_dead_letters_command_lists_a_service_s_letters(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id = uuid.uuid4()
    verdict = StockReserved(
        correlation_id=uuid.uuid4(),
        order_id=order_id,
        allocations=(Allocation(sku="DLQ-CLI", location="wh-1", quantity=1),),
    )
    await publish_verdict(hub, verdict)
    reason = f"LookupError: verdict for unknown order {order_id}"

    async def listed() -> bool:
        found = (await client.get(hub.url("order-router", "/dead-letters"))).json()
        return any(g["reason"] == reason for g in found["by_reason"])

    await eventually(listed)
    env = {
        **os.environ,
        "CROSSDOCK_ADMIN_TOKEN": hub.admin_token,
        "CROSSDOCK_OPERATOR_TOKEN": hub.operator_token,
        "CROSSDOCK_ORDER_ROUTER_URL": hub.url("order-router", ""),
    }
    command = [sys.executable, "-m", "tools.cli", "dead-letters", "order-router"]
    done = await asyncio.to_thread(
        subprocess.run, [*command, "list"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert f"{reason} — 1 messages" in done.stdout
    refused = await asyncio.to_thread(
        subprocess.run, [*command, "replay"], env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "exactly one of" in refused.stderr
