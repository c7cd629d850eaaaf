"""3PLs are configuration: each with its own key to call us."""

from pathlib import Path

import pytest

from services.shipping_bridge.fulfillers import FulfillerError, Fulfillers

CONFIG = """
fulfillers:
  - {id: east, base_url: 'http://127.0.0.1:1', api_key_env: EAST_API, inbound_key_env: EAST_IN}
  - {id: west, base_url: 'http://127.0.0.1:2', api_key_env: WEST_API, inbound_key_env: WEST_IN}
"""


def load(tmp_path: Path, env: dict[str, str]) -> Fulfillers:
    path = tmp_path / "fulfillers.yaml"
    path.write_text(CONFIG)
    return Fulfillers.load(path, env)


def test_two_3pls_sharing_one_inbound_key_are_refused_at_start(tmp_path: Path) -> None:
    env = {"EAST_API": "a", "WEST_API": "b", "EAST_IN": "same-key", "WEST_IN": "same-key"}
    with pytest.raises(FulfillerError, match="same inbound key"):
        load(tmp_path, env)


def test_each_3pl_is_known_by_its_own_key(tmp_path: Path) -> None:
    env = {"EAST_API": "a", "WEST_API": "b", "EAST_IN": "east-key", "WEST_IN": "west-key"}
    fulfillers = load(tmp_path, env)
    assert [fulfillers.authenticate(k) for k in ("east-key", "west-key", "guess")] == [
        "east",
        "west",
        None,
    ]


def test_a_shipment_is_held_as_long_as_the_slowest_3pl_may_take(tmp_path: Path) -> None:
    """Two calls (create, then cancel) to the slowest 3PL, plus room to record; not a
    minute whatever the 3PLs, which kept a killed sender's shipments waiting."""
    env = {"EAST_API": "a", "WEST_API": "b", "EAST_IN": "east-key", "WEST_IN": "west-key"}
    path = tmp_path / "fulfillers.yaml"
    path.write_text(
        CONFIG.replace(
            "inbound_key_env: WEST_IN}", "inbound_key_env: WEST_IN, timeout_seconds: 12}"
        )
    )
    assert Fulfillers.load(path, env).lease_seconds() == 34.0
    assert load(tmp_path, env).lease_seconds() == 20.0
