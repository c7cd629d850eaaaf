"""The customer is told, by one voice: a channel whose customer_notices is `crossdock`
gets Crossdock's own mail (in the customer's language where the channel gives it, else
the channel's; once per fact: confirmed, shipped with the carrier and tracking link,
delivered, refunded with the amount), through a real SMTP server on loopback;
a channel whose platform tells its customers gets no mail from Crossdock."""

import random
import uuid
from typing import Any

import httpx
import pytest

from simulators.refund_payloads import shopify_refund
from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.e2e.test_mapping_and_quarantine import load_xref, send, social_order
from tests.support.hub import Hub
from tests.support.hub_files import CUSTOM_SHOP
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


@pytest.mark.usefixtures("shipping")
async def test_crossdock_writes_in_the_customer_s_language_and_tells_of_a_refund(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """Shopify gives the buyer's `customer_locale` (REST Admin API 2025-10, Order
    resource: "a two or three letter language code, optionally followed by a region
    modifier"); the channel writes English by default, this buyer reads German."""
    tag = uuid.uuid4().hex[:6].upper()
    sku = f"LOCALE-{tag}"
    await hub.set_stock(client, sku, "wh-1", 4)
    await load_xref(hub, client, f"sku,item_number\n{sku},LOC-{tag}\n")
    order = shopify_order(int(uuid.uuid4().int % 10**12), [Line(f"LOC-{tag}", 2, "7.00")])
    order |= {"customer_locale": "de-DE", "email": f"kunde-{tag.lower()}@shop.test"}
    placed = await hub.deliver(client, signed_shopify(order, CUSTOM_SHOP, hub.shopify_secret))
    await hub.order_in(client, placed.json()["order_id"], {"delivered"})
    refund = shopify_refund(order, random.randrange(10**9, 10**10), [(0, 1, "no_restock")])
    hook = signed_shopify(refund, CUSTOM_SHOP, hub.shopify_secret, topic="refunds/create")
    assert (await hub.deliver(client, hook)).json()["status"] == "accepted"

    async def mail() -> list[dict[str, Any]] | None:
        got = (await client.get(hub.url("mailbox", "/_messages"))).json()
        mine = [m for m in got if m["to"] == [order["email"]]]
        return mine if any("Erstattung" in m["subject"] for m in mine) else None

    letters = await eventually(mail)
    name = order["name"]
    assert f"Ihre Bestellung {name} ist unterwegs" in {m["subject"] for m in letters}
    [refunded] = [m for m in letters if m["subject"] == f"Erstattung zu Ihrer Bestellung {name}"]
    assert "7.70 USD" in refunded["body"], refunded["body"]  # one unit and its 10% tax
