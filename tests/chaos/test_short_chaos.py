"""The short form of `make chaos`, part of `make test`: three scenarios, each a steady
mixed workload and one fault, then every invariant (see docs/reliability.md)."""

import pytest

from tests.chaos.run import play
from tests.chaos.scenarios import SHORT, named
from tests.support.infra import Infra

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", SHORT)
async def test_every_invariant_holds_through_the_fault(infra: Infra, name: str) -> None:
    [scenario] = named([name])
    result = await play(infra, scenario, seconds=25, rate=3.0, stack=None)
    broken = {v["name"]: v["figures"] for v in result["invariants"] if not v["held"]}
    assert not broken, broken
    assert result["quiet_after_fault_seconds"] is not None, "the hub never became quiet"
    assert result["quiet_after_fault_seconds"] < 60, result
    assert result["orders"] > 20, "the workload placed too few orders to show anything"
