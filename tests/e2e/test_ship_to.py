"""A warehouse can ship what the hub sends it: the recipient, the address, the method the
customer chose, their note, and what each line is and cost (customs) reach the 3PL from
the channel's own order; an order the 3PL cannot label is refused with its reason."""

import random

import httpx
import pytest

from simulators.storefronts import (
    SHOPIFY_ADDRESS,
    WOO_ADDRESS,
    Line,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.hub import Hub


def sku(stem: str) -> str:
    return f"{stem}-{random.randrange(10**9)}"


async def received_by(hub: Hub, client: httpx.AsyncClient, order_id: str) -> dict:
    """What the 3PL holds for the order's one shipment."""
    order = await hub.order_at_3pl(client, order_id)
    [shipment] = order["shipments"]
    orders = (await hub.tpl_orders(client, shipment["fulfiller"]))["orders"]
    [found] = [o for o in orders if o["reference"] == shipment["shipment_id"]]
    return dict(found)


@pytest.mark.usefixtures("shipping")
async def test_a_shopify_order_reaches_the_3pl_with_everything_a_label_needs(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("LABEL")
    await hub.set_stock(client, item, "wh-1", 5)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "12.50")])
    order["note"] = "Leave it with the doorman"
    order["shipping_lines"][0].update(
        code="UPS_GROUND", title="UPS Ground", carrier_identifier="ups"
    )
    response = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    assert response.status_code == 200, response.text

    got = await received_by(hub, client, response.json()["order_id"])
    assert got["order_name"] == order["name"] and got["channel"] == "shopify-test"
    assert got["ship_to"] == {
        "name": SHOPIFY_ADDRESS["name"],
        "company": None,
        "address1": SHOPIFY_ADDRESS["address1"],
        "address2": SHOPIFY_ADDRESS["address2"],
        "address3": None,
        "city": SHOPIFY_ADDRESS["city"],
        "state": SHOPIFY_ADDRESS["province_code"],
        "postal_code": SHOPIFY_ADDRESS["zip"],
        "country_code": "US",
        "phone": SHOPIFY_ADDRESS["phone"],
        "email": order["email"],
    }
    assert got["shipping_method"] == {"code": "UPS_GROUND", "title": "UPS Ground", "carrier": "ups"}
    assert got["note"] == "Leave it with the doorman"
    assert got["lines"] == [
        {
            "sku": item,
            "quantity": 2,
            "description": "Item",
            "unit_price": "12.50",
            "currency": "USD",
        }
    ]


@pytest.mark.usefixtures("shipping")
async def test_a_woocommerce_order_reaches_the_3pl_with_its_shipping_address(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("WLABEL")
    await hub.set_stock(client, item, "wh-2", 5)
    order = woocommerce_order(random.randrange(10**6, 10**7), [Line(item, 1, "20.00")])
    order["customer_note"] = "Bitte klingeln"
    response = await hub.deliver(client, signed_woocommerce(order, hub.woo, hub.woo_secret))
    assert response.status_code == 200, response.text

    got = await received_by(hub, client, response.json()["order_id"])
    ship_to = got["ship_to"]
    assert (ship_to["name"], ship_to["address1"], ship_to["city"], ship_to["postal_code"]) == (
        f"{WOO_ADDRESS['first_name']} {WOO_ADDRESS['last_name']}",
        WOO_ADDRESS["address_1"],
        WOO_ADDRESS["city"],
        WOO_ADDRESS["postcode"],
    )
    assert ship_to["country_code"] == "DE" and got["note"] == "Bitte klingeln"
    assert got["shipping_method"]["title"] == "Flat rate"


@pytest.mark.usefixtures("shipping")
async def test_an_order_the_3pl_cannot_label_fails_with_the_3pls_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = sku("NOADDR")
    await hub.set_stock(client, item, "wh-1", 5)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "9.00")])
    order["shipping_address"] = {**SHOPIFY_ADDRESS, "address1": "", "address2": None}
    response = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    assert response.status_code == 200, response.text

    failed = await hub.order_in(client, response.json()["order_id"], {"fulfilment_failed"})
    assert "undeliverable: ship_to lacks address1" in failed["reason"], failed["reason"]
