"""The shipping-bridge's 3PL client against the 3PL simulator, in process: a create is
idempotent on the shipment, the status API reports what the 3PL has, a cancel is the
3PL's word."""

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


def shipment(**extra: Any) -> dict[str, Any]:
    return {
        "shipment_id": uuid.uuid4(),
        "fulfiller": "east",
        "channel_order_name": "#1001",
        "location": "wh-1",
        "lines": {"A": 2},
        "ship_to_country": "US",
        **extra,
    }


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


async def test_a_shipment_for_a_3pl_not_configured_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FulfillerRejected, match="no fulfiller"):
        await (await client(tmp_path)).fulfilment_order(
            shipment(fulfiller="west", fulfiller_ref="x")
        )
