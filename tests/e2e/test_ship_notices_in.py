"""A 3PL that speaks X12 reports its parcels as 856 ship notices (`POST /3pl/v1/edi`):
each pack is a dispatch, several notices complete one order, a re-sent interchange is a
duplicate (the same 997, nothing taken twice), and a notice that cannot be taken is
rejected in the 997 at the segment and element in error."""

import random

import httpx

from simulators.ship_notices import Notice, Pack, ship_notice, sscc
from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.hub_files import edi_id_of
from tests.support.x12 import pick_pack_856

EDI = "/3pl/v1/edi"


def as_3pl(hub: Hub, fulfiller: str) -> dict[str, str]:
    return {"X-Api-Key": hub.tpl_keys[fulfiller][1], "Content-Type": "application/edi-x12"}


async def order_at_tpl_a(
    hub: Hub, client: httpx.AsyncClient, lines: list[Line]
) -> tuple[str, dict[str, object]]:
    for line in lines:
        await hub.set_stock(client, str(line.sku), "wh-1", 10)
    order = shopify_order(random.randrange(10**11, 10**12), lines)
    hook = signed_shopify(order, hub.shop, hub.shopify_secret)
    order_id = (await hub.deliver(client, hook)).json()["order_id"]
    await hub.order_at_3pl(client, order_id)
    return order_id, order


async def test_two_notices_ship_an_order_and_a_resent_one_changes_nothing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    a, b = f"ASN-A-{random.randrange(10**9)}", f"ASN-B-{random.randrange(10**9)}"
    order_id, order = await order_at_tpl_a(hub, client, [Line(a, 4, "3.00"), Line(b, 1, "5.00")])
    control = random.randrange(10**8, 10**9)
    first = pick_pack_856(
        control,
        edi_id_of("tpl-a"),
        PO=str(order["name"]),
        SKU_A=a,
        SKU_B=b,
        SSCC1=sscc("0614141", control, "1"),
        SSCC2=sscc("0614141", control, "2"),
    )
    url = hub.url("shipping-bridge", EDI)

    taken = await client.post(url, content=first, headers=as_3pl(hub, "tpl-a"))
    assert taken.status_code == 200, taken.text
    assert taken.headers["x-crossdock-result"] == "accepted=1 rejected=0"
    assert "AK5*A~" in taken.text and "AK9*A*1*1*1~" in taken.text
    partly = await hub.order_in(client, order_id, {"partially_shipped"})
    assert partly["shipments"][0]["shipped"] == {a: 3, b: 1}

    again = await client.post(url, content=first, headers=as_3pl(hub, "tpl-a"))
    assert again.status_code == 200
    assert again.headers["x-crossdock-result"].startswith("duplicate")
    assert again.text == taken.text  # the first 997, answered again

    rest = Notice(f"ASN-{control}-2", str(order["name"]), "UPSN")
    rest.packs.append(Pack(sscc("0614141", control, "3"), f"1Z{control}X", [(a, 1)]))
    second = ship_notice(edi_id_of("tpl-a"), "CROSSDOCK", control + 1, rest)
    done = await client.post(url, content=second, headers=as_3pl(hub, "tpl-a"))
    assert done.headers["x-crossdock-result"] == "accepted=1 rejected=0", done.text

    shipped = await hub.order_in(client, order_id, {"shipped"})
    assert shipped["shipments"][0]["shipped"] == {a: 4, b: 1}
    assert {t["tracking_number"] for t in shipped["shipments"][0]["tracking"]} == {
        "1Z999AA10000000001",
        "BOL-555123",
        f"1Z{control}X",
    }
    for sku, sold in ((a, 4), (b, 1)):
        stock = await hub.stock(client, sku)
        assert (stock["on_hand"], stock["reserved"]) == (10 - sold, 0)


async def test_a_notice_that_cannot_be_taken_is_rejected_where_it_is_wrong(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    a = f"ASN-X-{random.randrange(10**9)}"
    order_id, order = await order_at_tpl_a(hub, client, [Line(a, 2, "3.00")])
    url = hub.url("shipping-bridge", EDI)
    control = random.randrange(10**8, 10**9)

    def notice(po: str, sender: str, units: int, n: int) -> str:
        body = Notice(f"ASN-{control}-{n}", po, "UPSN")
        body.packs.append(Pack(sscc("0614141", control + n, "1"), f"1Z{control}{n}", [(a, units)]))
        return ship_notice(sender, "CROSSDOCK", control + n, body)

    unknown = await client.post(
        url, content=notice("#NOPE", edi_id_of("tpl-a"), 1, 1), headers=as_3pl(hub, "tpl-a")
    )
    assert unknown.headers["x-crossdock-result"] == "accepted=0 rejected=1"
    assert "AK3*PRF*" in unknown.text and "AK4*1**7*#NOPE~" in unknown.text
    assert "AK5*R*5~" in unknown.text

    # tpl-b cannot ship tpl-a's order, nor send under tpl-a's interchange id.
    theirs = notice(str(order["name"]), edi_id_of("tpl-b"), 1, 2)
    other = await client.post(url, content=theirs, headers=as_3pl(hub, "tpl-b"))
    assert f"AK4*1**7*{order['name']}~" in other.text and "AK5*R*5~" in other.text
    posing = await client.post(
        url,
        content=notice(str(order["name"]), edi_id_of("tpl-a"), 1, 3),
        headers=as_3pl(hub, "tpl-b"),
    )
    assert posing.status_code == 400 and "expected from" in posing.text

    too_many = await client.post(
        url,
        content=notice(str(order["name"]), edi_id_of("tpl-a"), 3, 4),
        headers=as_3pl(hub, "tpl-a"),
    )
    assert too_many.headers["x-crossdock-result"] == "accepted=0 rejected=1"
    assert "AK3*HL*" in too_many.text

    broken = await client.post(url, content="ISA*00*nonsense", headers=as_3pl(hub, "tpl-a"))
    assert broken.status_code == 400

    unstarted = await hub.order(client, order_id)
    assert unstarted is not None and not unstarted["shipments"][0]["tracking"]
    stock = await hub.stock(client, a)
    assert (stock["on_hand"], stock["reserved"]) == (10, 2)  # nothing left the warehouse


async def test_a_3pl_reporting_by_edi_ships_and_delivers_an_order(
    hub: Hub, client: httpx.AsyncClient, shipping: None
) -> None:
    """The 3PL simulator in its x12 dialect: each parcel an 856 of one pack."""
    await hub.tpl(client, "tpl-a", dialect="x12", edi_id=edi_id_of("tpl-a"), split=True)
    a = f"ASN-SIM-{random.randrange(10**9)}"
    order_id, _ = await order_at_tpl_a(hub, client, [Line(a, 3, "2.00")])

    delivered = await hub.order_in(client, order_id, {"delivered"})
    assert delivered["shipments"][0]["shipped"] == {a: 3}
    assert len(delivered["shipments"][0]["tracking"]) == 2  # two parcels, two notices
    stock = await hub.stock(client, a)
    assert (stock["on_hand"], stock["reserved"]) == (7, 0)
