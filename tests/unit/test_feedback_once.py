"""Tracking reaches a store once even when an update is sent again after its sender died
or timed out (the first try may have landed): Shopify takes no idempotency key for a
fulfillment and WooCommerce none for a note, so the gateway looks before it sends again.
Against the store simulator, in process."""

from typing import Any

import httpx
import pytest

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.channel_api import ChannelApi
from services.storefront_gateway.connectors.errors import Refused
from simulators import storefront_api
from simulators.storefronts import Line, shopify_order, woocommerce_order

BASE = "http://store.test"


def channel(platform: str) -> ChannelConfig:
    return ChannelConfig(
        id=f"{platform}-1",
        platform=platform,
        shop="S1",
        secret_env="X",
        api_url=BASE,
        api_token_env="T",
    )


def parcel(order: dict[str, Any], **extra: Any) -> dict[str, Any]:
    line = order["line_items"][0]
    return {
        "channel_order_ref": str(order["id"]),
        "carrier": "UPS",
        "tracking_number": "1Z0000000000000001",
        "tracking_url": None,
        "line_items": [{"line_ref": str(line["id"]), "sku": "A", "quantity": 1}],
        **extra,
    }


async def store() -> tuple[httpx.AsyncClient, ChannelApi]:
    app = storefront_api.create_app("shop-token", "ck", "cs")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
    return client, ChannelApi(client)


async def test_a_shopify_fulfillment_sent_again_is_not_made_twice() -> None:
    client, api = await store()
    order = shopify_order(5001, [Line("A", 1, "9.00")])
    (await client.post("/_orders/shopify", json=order)).raise_for_status()

    await api.send(channel("shopify"), "shop-token", "fulfilment", parcel(order))
    await api.send(channel("shopify"), "shop-token", "fulfilment", parcel(order, maybe_sent=True))

    received = (await client.get("/_received")).json()["fulfillments"]
    assert [f["tracking_number"] for f in received] == ["1Z0000000000000001"]
    with pytest.raises(Refused):  # what a blind retry met: the lines are fulfilled
        await api.send(channel("shopify"), "shop-token", "fulfilment", parcel(order))


async def test_a_woocommerce_tracking_note_sent_again_is_not_added_twice() -> None:
    client, api = await store()
    order = woocommerce_order(6001, [Line("A", 1, "9.00")], currency="USD")
    (await client.post("/_orders/woocommerce", json=order)).raise_for_status()
    woo = channel("woocommerce")
    token = "ck:cs"

    await api.send(woo, token, "fulfilment", parcel(order))
    await api.send(woo, token, "fulfilment", parcel(order, maybe_sent=True))
    notes = (await client.get("/_received")).json()["notes"]
    assert len(notes) == 1
    await api.send(woo, token, "fulfilment", parcel(order))
    assert len((await client.get("/_received")).json()["notes"]) == 2, "a blind retry adds one"
