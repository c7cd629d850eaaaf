"""End-to-end fixtures: one hub of real service processes for the module's tests."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.hub import Hub
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


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        yield client
