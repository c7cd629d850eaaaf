"""The customer is told, by one voice: a channel whose customer_notices is `crossdock`
gets Crossdock's own mail (in the channel's language, once per fact: confirmed, shipped
with the carrier and tracking link, delivered), through a real SMTP server on loopback;
a channel whose platform tells its customers gets no mail from Crossdock."""

import random
import uuid
from typing import Any

import httpx
import pytest

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.e2e.test_mapping_and_quarantine import load_xref, send, social_order
from tests.support.hub import Hub
from tests.support.waiting import eventually


@pytest.mark.usefixtures("shipping")
async def test_a_channel_crossdock_speaks_for_tells_its_customer_by_mail_once_each(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, item = f"MAIL-{tag}", f"IT-{tag}"
    await hub.set_stock(client, sku, "wh-1", 5)
    await load_xref(hub, client, f"sku,item_number\n{sku},{item}\n")
    payload = social_order(f"SO-{tag}", item)
    buyer = f"buyer-{tag.lower()}@social.test"
    payload["data"]["buyer"] = {"email": buyer}
    payload["data"]["order_number"] = f"SS-{tag}"
    accepted = await send(hub, client, payload)
    order = await hub.order_in(client, accepted.json()["order_id"], {"delivered"})
    [dispatch] = order["shipments"][0]["tracking"]

    async def mail() -> list[dict[str, Any]] | None:
        got = (await client.get(hub.url("mailbox", "/_messages"))).json()
        mine = [m for m in got if m["to"] == [buyer]]
        return mine if len(mine) >= 3 else None

    letters = await eventually(mail)
    subjects = sorted(m["subject"] for m in letters)
    assert subjects == [
        f"Ihre Bestellung SS-{tag} ist bestätigt",
        f"Ihre Bestellung SS-{tag} ist unterwegs",
        f"Ihre Bestellung SS-{tag} wurde zugestellt",
    ]
    [shipped] = [m for m in letters if "unterwegs" in m["subject"]]
    assert (
        dispatch["tracking_number"] in shipped["body"]
        and dispatch["tracking_url"] in shipped["body"]
    )
    assert len({m["message_id"] for m in letters}) == 3


@pytest.mark.usefixtures("shipping")
async def test_a_channel_whose_platform_tells_its_customers_gets_no_mail_from_crossdock(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"PLATFORM-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 3)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "4.00")])
    order["email"] = f"platform-{uuid.uuid4().hex[:8]}@shop.test"
    placed = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    await hub.order_in(client, placed.json()["order_id"], {"delivered"})
    sent = (await client.get(hub.url("mailbox", "/_messages"))).json()
    assert [m for m in sent if order["email"] in m["to"]] == []
