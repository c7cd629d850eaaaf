"""End-to-end fixtures: one hub of real service processes for the module's tests."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.hub import FULFILLERS, Hub
from tests.support.infra import Infra

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
async def hub(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    hub = Hub(infra, Path(tmp_path_factory.mktemp("hub")))
    await hub.provision()
    try:
        await hub.start_all()
        yield hub
    finally:
        hub.stop_all()


@pytest.fixture(autouse=True)
async def invariants_hold_after_each_scenario(
    request: pytest.FixtureRequest,
) -> AsyncIterator[None]:
    """After every scenario: stock is the sum of its movements (and never below zero: a
    CHECK constraint), and the books balance. Checked on the shared hub, so a scenario
    cannot leave it broken for the next one."""
    yield
    if "hub" not in request.fixturenames:
        return
    hub: Hub = request.getfixturevalue("hub")
    async with httpx.AsyncClient(timeout=30, headers=hub.reader) as client:
        audit = (await client.get(hub.url("inventory-ledger", "/stock-audit"))).json()
        balance = (await client.get(hub.url("accounting-poster", "/trial-balance"))).json()
    assert audit == {"consistent": True, "mismatches": []}, audit
    assert balance["balanced"], balance


@pytest.fixture
async def shipping(hub: Hub, client: httpx.AsyncClient) -> AsyncIterator[None]:
    """The 3PL simulators pick, ship and deliver on their own during the test."""
    for fulfiller in FULFILLERS:
        await hub.tpl(client, fulfiller, auto_ship=True, split=False, ship_delay=0.05)
    yield
    for fulfiller in FULFILLERS:
        await hub.tpl(
            client,
            fulfiller,
            auto_ship=False,
            split=False,
            ship_delay=0.05,
            fail_next=0,
            hang_next=0,
            reject_next=0,
            lose_callbacks=0,
            dialect="json",
        )


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """An operator's client: reads carry the read-only token (writes add the admin's)."""
    # Idle connections expire on our side first (uvicorn closes them after 5 s), so a
    # request never goes out on a connection the server is closing.
    limits = httpx.Limits(max_connections=50, keepalive_expiry=2)

    async with httpx.AsyncClient(timeout=30, limits=limits, headers=hub.reader) as client:
        yield client
