"""Integration fixtures: a fresh database per test module on the real PostgreSQL."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shared.db import create_pool
from shared.migrations import migrate
from tests.support.infra import Infra, create_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def database_url(infra: Infra) -> str:
    return await create_database(infra.database_url)


@pytest.fixture
def topic_prefix() -> str:
    return f"i{uuid.uuid4().hex[:8]}."


async def migrated_pool(database_url: str, service: str, package: str) -> Any:
    schema = service.replace("-", "_")
    pool = await create_pool(database_url, schema, service, 1, 20)
    async with pool.acquire() as conn:
        await migrate(conn, schema, package)
    return pool


@pytest.fixture
async def ledger_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "inventory-ledger", "services.inventory_ledger.migrations"
    )
    yield pool
    await pool.close()
