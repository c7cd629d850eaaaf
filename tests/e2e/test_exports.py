"""The journal reaches QuickBooks- and Xero-style systems in their shapes; an entry a system
refuses is parked with its reason and goes out once the cause is fixed — never lost."""

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
    await client.post(hub.url("accounting-api", "/_control"), json={"accounts": chart_codes})
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
        await client.post(
            hub.url("accounting-api", "/_control"), json={"accounts": [*chart_codes, "4100"]}
        )

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
