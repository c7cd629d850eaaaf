"""The journal reaches QuickBooks- and Xero-style systems in their shapes; an entry a system
refuses is parked with its reason and goes out once the cause is fixed — never lost."""

import asyncio
import json
import random

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def sale_of(hub: Hub, client: httpx.AsyncClient, order_id: str) -> dict:
    async def found():
        entries = (
            await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
        ).json()
        return next((e for e in entries["entries"] if e["kind"] == "sale"), None)

    return await eventually(found)


async def exports(hub: Hub, client: httpx.AsyncClient, status: str, entry_id: str) -> list[dict]:
    listed = (await client.get(hub.url("accounting-poster", f"/exports?status={status}"))).json()
    return [x for x in listed["exports"] if x["entry_id"] == entry_id]


async def place(hub: Hub, client: httpx.AsyncClient) -> str:
    item = f"EXP-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    payload = shopify_order(
        random.randrange(10**11, 10**12), [Line(item, 2, "12.34")], shipping="4.99"
    )
    return (
        await hub.deliver(client, signed_shopify(payload, hub.shop, hub.shopify_secret))
    ).json()["order_id"]


async def test_a_sale_is_exported_to_quickbooks_and_xero_in_their_shapes(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    order_id = await place(hub, client)
    sale = await sale_of(hub, client, order_id)

    async def both():
        done = await exports(hub, client, "exported", sale["entry_id"])
        return done if len(done) == 2 else None

    done = await eventually(both)
    received = (await client.get(hub.url("accounting-api", "/_received"))).json()
    ids = {x["target"]: x["external_id"] for x in done}
    [qbo] = [j for j in received["quickbooks"] if j["Id"] == ids["quickbooks"]]
    debits = sum(
        line["Amount"]
        for line in qbo["Line"]
        if line["JournalEntryLineDetail"]["PostingType"] == "Debit"
    )
    assert round(debits, 2) == round(sum(line["debit_minor"] for line in sale["lines"]) / 100, 2)
    [xero] = [j for j in received["xero"] if j["ManualJournalID"] == ids["xero"]]
    assert round(sum(line["LineAmount"] for line in xero["JournalLines"]), 2) == 0


async def test_a_refused_export_is_parked_with_the_reason_and_sent_after_the_fix(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    chart_codes = ["1100", "1300", "2200", "4000", "4900", "5000"]  # 4100 missing there
    control = hub.url("accounting-api", "/_control")
    before = (await client.post(control, json={})).json()["accounts"]
    await client.post(control, json={"accounts": chart_codes})
    try:
        order_id = await place(hub, client)
        sale = await sale_of(hub, client, order_id)

        async def parked():
            rejected = await exports(hub, client, "rejected", sale["entry_id"])
            return rejected if len(rejected) == 2 else None

        rejected = await eventually(parked)
        reasons = {x["target"]: x["last_error"] for x in rejected}
        assert "account 4100 does not exist" in reasons["quickbooks"]
        assert "'4100' is not a valid code" in reasons["xero"]
    finally:
        await client.post(control, json={"accounts": before})  # 4100 and the rest, back

    retried = await client.post(
        hub.url("accounting-poster", "/exports/retry"),
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert retried.json()["reopened"] >= 2

    async def exported():
        done = await exports(hub, client, "exported", sale["entry_id"])
        return done if len(done) == 2 else None

    assert await eventually(exported)


async def test_an_accounting_system_that_is_down_gets_the_entry_when_it_is_back(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    await client.post(hub.url("accounting-api", "/_control"), json={"fail_next": 3})

    order_id = await place(hub, client)
    sale = await sale_of(hub, client, order_id)

    async def exported():
        done = await exports(hub, client, "exported", sale["entry_id"])
        return done if len(done) == 2 else None

    done = await eventually(exported, timeout=40)
    assert all(x["attempts"] >= 1 for x in done)


async def test_a_retry_after_a_lost_answer_leaves_one_journal_in_each_system(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """Both systems make the journal and the answer is lost (502): the exporter retries
    with the same `requestid` / `Idempotency-Key` and each system answers with the
    journal it made — one journal each, found by the order's name."""
    await client.post(hub.url("accounting-api", "/_control"), json={"lose_next": 2})
    order_id = await place(hub, client)
    sale = await sale_of(hub, client, order_id)
    order = await hub.order(client, order_id)
    assert order is not None
    name = order["channel_order_name"].lstrip("#")

    async def exported():
        done = await exports(hub, client, "exported", sale["entry_id"])
        return done if len(done) == 2 else None

    done = await eventually(exported, timeout=40)
    assert all(x["attempts"] >= 1 for x in done), done  # each was tried again
    received = (await client.get(hub.url("accounting-api", "/_received"))).json()
    assert [j["DocNumber"] for j in received["quickbooks"]].count(name) == 1
    narrations = [j["Narration"] for j in received["xero"]]
    assert sum(1 for n in narrations if n.startswith(f"{name}: ")) == 1


async def test_each_shop_books_into_its_own_entitys_system_only(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """The test hub's chart: the BigCommerce store is the European entity's (Xero only,
    its own clearing account 1120); the Shopify store the US entity's (QuickBooks, USD)."""
    from simulators.bigcommerce_payloads import bigcommerce_order, bigcommerce_webhook
    from tests.support.hub_files import BC_STORE

    us = await sale_of(hub, client, await place(hub, client))
    bc_id = random.randrange(10**6, 10**7)
    item = f"EU-{bc_id}"
    await hub.set_stock(client, item, "wh-1", 5)
    documents = bigcommerce_order(bc_id, [Line(item, 1, "20.00")], currency="EUR")
    store = hub.url("storefront-api", f"/_orders/bigcommerce/{BC_STORE}")
    (await client.post(store, json=documents)).raise_for_status()
    hook = bigcommerce_webhook(BC_STORE, bc_id)
    sent = await client.post(
        hub.url("storefront-gateway", "/webhooks/json/bc-test"),
        content=json.dumps(hook).encode(),
        headers={"content-type": "application/json",
                 "X-Crossdock-Token": hub.store_keys["bc_header"]},
    )  # fmt: skip
    assert sent.json()["status"] == "accepted", sent.text
    eu = await sale_of(hub, client, hub.order_id("bc-test", str(bc_id)))
    assert {line["account"] for line in eu["lines"] if line["debit_minor"]} == {"1120"}

    async def settled(entry: dict, count: int) -> list[dict] | None:
        done = await exports(hub, client, "exported", entry["entry_id"])
        return done if len(done) == count else None

    assert {x["target"] for x in await eventually(lambda: settled(us, 2))} == {
        "quickbooks",
        "xero",
    }
    assert [x["target"] for x in await eventually(lambda: settled(eu, 1))] == ["xero"]
    pending = [
        x for s in ("pending", "rejected") for x in await exports(hub, client, s, eu["entry_id"])
    ]
    assert pending == []  # never owed to the US company's QuickBooks


async def test_short_lived_tokens_are_refreshed_and_a_refused_refresh_parks_until_reconnected(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """Xero is reached by OAuth 2.0 in the test hub (tests/support/hub_files): its access
    tokens expire, its refresh tokens are single-use."""
    control = hub.url("accounting-api", "/_control")
    before = (await client.post(control, json={"token_seconds": 2})).json()["oauth"]
    await asyncio.sleep(2.5)  # the token the poster holds has expired at Xero meanwhile

    async def exported_to_xero(entry_id: str) -> list[dict] | None:
        done = await exports(hub, client, "exported", entry_id)
        return [x for x in done if x["target"] == "xero"] or None

    # Tokens refreshed a minute before they expire: 2 s ones before every use, and the
    # one held when they became that short is refused (401) and refreshed then.
    for _ in range(2):
        sale = await sale_of(hub, client, await place(hub, client))
        await eventually(lambda sale=sale: exported_to_xero(sale["entry_id"]), timeout=30)
    after = (await client.post(control, json={})).json()["oauth"]
    assert after["refreshed"] >= before["refreshed"] + 2 and after["refused"] == before["refused"]

    await client.post(control, json={"revoke_refresh": True})
    sale = await sale_of(hub, client, await place(hub, client))

    async def parked() -> list[dict] | None:
        rejected = await exports(hub, client, "rejected", sale["entry_id"])
        return [x for x in rejected if x["target"] == "xero"] or None

    [refused] = await eventually(parked, timeout=30)
    assert "refused the refresh token" in refused["last_error"], refused

    granted = await client.post(control, json={"grant_refresh": True, "token_seconds": 1800})
    token = granted.json()["oauth"]["granted_refresh"]
    reconnected = await client.put(
        hub.url("accounting-poster", "/exports/targets/xero/refresh-token"),
        json={"refresh_token": token},
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert reconnected.status_code == 200 and reconnected.json()["reopened"] >= 1
    assert await eventually(lambda: exported_to_xero(sale["entry_id"]), timeout=30)
