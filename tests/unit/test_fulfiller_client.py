"""The shipping-bridge's 3PL client against the 3PL simulator, in process: a create is
idempotent on the shipment, the status API reports what the 3PL has, a cancel is the
3PL's word."""

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.shipping_bridge.client import FulfillerClient, FulfillerRejected
from services.shipping_bridge.fulfillers import Fulfillers
from simulators import tpl

CONFIG = """
fulfillers:
  - {id: east, base_url: 'http://tpl.test', api_key_env: EAST_API, inbound_key_env: EAST_IN}
"""


async def client(tmp_path: Path, hold: bool = False) -> FulfillerClient:
    """The bridge's client on an in-process 3PL; `hold`: the 3PL ships nothing itself."""
    app = tpl.create_app("east-key", "http://bridge.test", "bridge-key")
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    if hold:
        (await http.post("http://tpl.test/_control", json={"auto_ship": False})).raise_for_status()
    path = tmp_path / "fulfillers.yaml"
    path.write_text(CONFIG)
    fulfillers = Fulfillers.load(path, {"EAST_API": "east-key", "EAST_IN": "in-key"})
    return FulfillerClient(http, fulfillers)


ADDRESS = {
    "name": "Ada Lovelace",
    "company": None,
    "reference": None,
    "lines": ["350 Fifth Avenue", "Suite 4100"],
    "city": "New York",
    "region": "NY",
    "postal_code": "10118",
    "country": "US",
    "phone": "+1 212-555-0100",
    "email": "ada@example.com",
}


def shipment(ship_to: dict[str, Any] | None = ADDRESS, **extra: Any) -> dict[str, Any]:
    """A shipment row as the bridge keeps it, its delivery as the router asked for it."""
    return {
        "shipment_id": uuid.uuid4(),
        "fulfiller": "east",
        "channel": "shopify-main",
        "channel_order_name": "#1001",
        "location": "wh-1",
        "lines": {"A": 2},
        "ship_to_country": "US",
        "delivery": {
            "ship_to": ship_to,
            "shipping_method": {"code": "STD", "title": "Standard", "carrier": "ups"},
            "customer_note": "Ring twice",
            "currency": "USD",
            "lines": [{"sku": "A", "quantity": 2, "title": "Mug", "unit_price_minor": 1250}],
        },
        **extra,
    }


async def test_the_3pl_gets_what_it_needs_to_label_and_clear_the_parcel(tmp_path: Path) -> None:
    bridge = await client(tmp_path, hold=True)
    ref = await bridge.create_fulfilment_order(shipment())
    received = (await bridge._http.get("http://tpl.test/_orders")).json()["orders"]
    order = next(o for o in received if o["id"] == ref)
    assert order["ship_to"] == {
        "name": "Ada Lovelace",
        "company": None,
        "address1": "350 Fifth Avenue",
        "address2": "Suite 4100",
        "address3": None,
        "city": "New York",
        "state": "NY",
        "postal_code": "10118",
        "country_code": "US",
        "phone": "+1 212-555-0100",
        "email": "ada@example.com",
    }
    assert order["lines"] == [
        {"sku": "A", "quantity": 2, "description": "Mug", "unit_price": "12.50", "currency": "USD"}
    ]
    assert order["shipping_method"] == {"code": "STD", "title": "Standard", "carrier": "ups"}
    assert (order["note"], order["channel"]) == ("Ring twice", "shopify-main")


@pytest.mark.parametrize(
    ("gap", "reason"),
    [({"lines": []}, "address1"), ({"postal_code": None}, "postal_code"), ({"name": None}, "name")],
)
async def test_the_3pl_refuses_an_address_it_cannot_label(
    tmp_path: Path, gap: dict[str, Any], reason: str
) -> None:
    bridge = await client(tmp_path, hold=True)
    with pytest.raises(FulfillerRejected, match=f"undeliverable: ship_to lacks .*{reason}"):
        await bridge.create_fulfilment_order(shipment({**ADDRESS, **gap}))


async def test_a_country_without_postal_codes_needs_none(tmp_path: Path) -> None:
    bridge = await client(tmp_path, hold=True)
    hong_kong = {
        **ADDRESS,
        "city": "Hong Kong",
        "region": None,
        "postal_code": None,
        "country": "HK",
    }
    assert await bridge.create_fulfilment_order(shipment(hong_kong))


async def test_a_create_sent_twice_makes_one_fulfilment_order(tmp_path: Path) -> None:
    bridge = await client(tmp_path, hold=True)
    sent = shipment()
    first = await bridge.create_fulfilment_order(sent)
    assert await bridge.create_fulfilment_order(sent) == first


async def test_the_status_api_says_what_the_3pl_has_and_a_cancel_takes(tmp_path: Path) -> None:
    bridge = await client(tmp_path, hold=True)
    sent = shipment()
    sent["fulfiller_ref"] = await bridge.create_fulfilment_order(sent)
    state = await bridge.fulfilment_order(sent)
    assert (state.status, state.dispatches) == ("received", [])
    await bridge.cancel_fulfilment_order(sent)
    assert (await bridge.fulfilment_order(sent)).status == "cancelled"


async def test_a_parcel_the_3pl_shipped_reads_back_as_skus_and_units(tmp_path: Path) -> None:
    """The order's lines carry descriptions and customs values; the parcels the 3PL
    reports carry what is in them, which is all the bridge reads."""
    bridge = await client(tmp_path)
    controls = {"ship_delay": 0.01, "lose_callbacks": 100}  # no bridge to call back here
    (await bridge._http.post("http://tpl.test/_control", json=controls)).raise_for_status()
    sent = shipment()
    sent["fulfiller_ref"] = await bridge.create_fulfilment_order(sent)
    for _ in range(200):
        state = await bridge.fulfilment_order(sent)
        if state.dispatches:
            break
        await asyncio.sleep(0.01)
    [parcel] = state.dispatches
    assert [(line.sku, line.quantity) for line in parcel.lines] == [("A", 2)]


async def test_a_shipment_for_a_3pl_not_configured_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FulfillerRejected, match="no fulfiller"):
        await (await client(tmp_path)).fulfilment_order(
            shipment(fulfiller="west", fulfiller_ref="x")
        )
