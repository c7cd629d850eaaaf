"""EDI X12 with a trading partner: 850s become orders and are acknowledged by 997s;
broken interchanges and sets are rejected with the reason; dispatches go out as 856s,
which the partner acknowledges in turn — a real HTTP partner, real Kafka and PostgreSQL."""

import json
import uuid

import httpx
import pytest

from tests.support.hub import Hub
from tests.support.waiting import eventually


async def send_po(hub: Hub, client: httpx.AsyncClient, **spec: object) -> dict:
    response = await client.post(hub.url("edi_partner", "/_send_po"), json=spec)
    response.raise_for_status()
    return dict(response.json())


def segments(x12: str, tag: str) -> list[list[str]]:
    return [s.strip().split("*") for s in x12.split("~") if s.strip().startswith(tag + "*")]


def order_id_of(hub: Hub, po: str) -> str:
    return hub.order_id("edi-test", po)


async def load_xref(hub: Hub, client: httpx.AsyncClient, text: str) -> None:
    response = await client.put(
        hub.url("storefront-gateway", "/xref"),
        content=text.encode(),
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    response.raise_for_status()


@pytest.mark.usefixtures("shipping")
async def test_a_purchase_order_is_acknowledged_placed_shipped_and_its_ship_notice_acknowledged(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, upc_sku = f"EDI-{tag}", f"EDU-{tag}"
    await hub.set_stock(client, sku, "wh-1", 10)
    await hub.set_stock(client, upc_sku, "wh-1", 10)
    await load_xref(hub, client, f"sku,barcode\n{upc_sku},0{tag}\n")
    po = f"PO-{tag}"
    lines = [
        {"sku": sku, "quantity": 4, "price": "12.50", "title": "Tee"},
        {"upc": f"0{tag}", "quantity": 2, "price": "8", "title": "Mug"},
    ]
    sent = await send_po(hub, client, po=po, lines=lines)
    assert sent["status"] == 200
    assert segments(sent["body"], "AK5") == [["AK5", "A"]]
    assert segments(sent["body"], "AK9") == [["AK9", "A", "1", "1", "1"]]
    order = await hub.settled_order(client, order_id_of(hub, po))
    assert [(x["sku"], x["quantity"], x["gross_minor"]) for x in order["lines"]] == [
        (sku, 4, 5000),
        (upc_sku, 2, 1600),
    ]

    # The same interchange again (a retransmission): acknowledged again, one order.
    again = await client.post(
        hub.url("storefront-gateway", "/edi/edi-test"),
        content=sent["interchange"].encode(),
        headers={"X-Crossdock-Token": hub.store_keys["edi_hub"]},
    )
    assert segments(again.text, "AK5") == [["AK5", "A"]]
    placed = [
        json.loads(r.value)
        for r in await hub.records("storefront-orders")
        if json.loads(r.value).get("channel_order_ref") == po
    ]
    assert len(placed) == 1

    async def noticed() -> dict | None:
        found = (await client.get(hub.url("edi_partner", "/_notices"))).json()
        mine = [n for n in found if f"PRF*{po}~" in n["text"]]
        return mine[0] if mine else None

    notice = await eventually(noticed, timeout=30)
    assert f"LIN*1*VP*{sku}~" in notice["text"] and "SN1**4*EA~" in notice["text"]

    async def acknowledged() -> bool:
        acks = (await client.get(hub.url("storefront-gateway", "/edi/edi-test/acks"))).json()
        return any(
            a["group_control"] == notice["group"] and a["status"] == "A" for a in acks["acks"]
        )

    await eventually(acknowledged)


async def test_a_set_with_wrong_counts_is_rejected_in_the_997_and_not_placed(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    po = f"PO-{uuid.uuid4().hex[:6].upper()}"
    sent = await send_po(
        hub, client, po=po, lines=[{"sku": "X", "quantity": 1, "price": "1"}], ctt=3
    )
    assert segments(sent["body"], "AK5") == [["AK5", "R", "5"]]
    # CTT01 said 3 lines: the 997 points at it (AK3 CTT, AK4 element 1, its value).
    [ak3] = segments(sent["body"], "AK3")
    assert (ak3[1], ak3[4]) == ("CTT", "8")
    assert segments(sent["body"], "AK4") == [["AK4", "1", "", "7", "3"]]
    assert segments(sent["body"], "AK9")[0][1] == "R"
    broken = await send_po(
        hub,
        client,
        po=po + "-S",
        lines=[{"sku": "X", "quantity": 1, "price": "1"}],
        **{"break": "se_count"},
    )
    # 4: the number of included segments does not match the actual count (AK502).
    assert segments(broken["body"], "AK5") == [["AK5", "R", "4"]]
    assert await hub.order(client, order_id_of(hub, po + "-S")) is None


async def test_a_broken_interchange_is_refused_whole_with_the_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sent = await send_po(
        hub,
        client,
        po="PO-IEA",
        lines=[{"sku": "X", "quantity": 1, "price": "1"}],
        **{"break": "iea"},
    )
    assert sent["status"] == 400 and "IEA02" in sent["reason"] and "ISA13" in sent["reason"]
    # Acknowledged as rejected: a TA1 for the interchange, its control number, code 001.
    [ta1] = segments(sent["body"], "TA1")
    assert (ta1[1], ta1[4], ta1[5]) == (f"{sent['control']:09d}", "R", "001")
    url = hub.url("storefront-gateway", "/edi/edi-test")
    assert (
        await client.post(url, content=b"hello", headers={"X-Crossdock-Token": "no"})
    ).status_code == 401
    garbage = await client.post(
        url, content=b"hello", headers={"X-Crossdock-Token": hub.store_keys["edi_hub"]}
    )
    assert garbage.status_code == 400 and "ISA" in garbage.text


async def test_an_unknown_buyer_part_is_quarantined_then_replayed_once_the_xref_knows_it(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, po = f"BPX-{tag}", f"PO-{tag}"
    await hub.set_stock(client, sku, "wh-1", 5)
    sent = await send_po(
        hub, client, po=po, lines=[{"buyer_part": f"BP-{tag}", "quantity": 1, "price": "3"}]
    )
    assert segments(sent["body"], "AK5") == [["AK5", "R", "5"]]
    [ak4] = segments(sent["body"], "AK4")  # the buyer's part number: an invalid code value
    assert (ak4[3], ak4[4]) == ("7", f"BP-{tag}")
    reason = f"PO1 line 1: no product id maps to a SKU (given: BP BP-{tag})"
    listed = (await client.get(hub.url("storefront-gateway", "/quarantine"))).json()
    assert any(g["reason"] == reason for g in listed["by_reason"])
    await load_xref(hub, client, f"sku,buyer_part\n{sku},BP-{tag}\n")
    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    replayed = await client.post(
        hub.url("storefront-gateway", "/quarantine/replay"), json={"reason": reason}, headers=auth
    )
    assert replayed.json()["accepted"] == 1
    assert (await hub.settled_order(client, order_id_of(hub, po)))["lines"][0]["sku"] == sku
