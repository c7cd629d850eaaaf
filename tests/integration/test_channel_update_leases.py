"""A feedback sender whose claim ran out while it worked through its batch does not send
an update another sender has taken since (the update would reach the channel twice)."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.storefront_gateway.feedback import repository
from tests.integration.conftest import migrated_pool


@pytest.fixture
async def gateway_pool(database_url: str) -> AsyncIterator[Any]:
    pool = await migrated_pool(
        database_url, "storefront-gateway", "services.storefront_gateway.migrations"
    )
    yield pool
    await pool.close()


async def test_an_expired_claim_loses_the_update_to_the_sender_that_took_it(
    gateway_pool: Any,
) -> None:
    async with gateway_pool.acquire() as conn:
        await conn.execute("DELETE FROM channel_updates")
        await repository.queue_update(
            conn, uuid.uuid4(), "fulfilment", "shopify-test", uuid.uuid4(), {"n": 1}
        )
        [first] = await repository.claim_updates(conn, 10, lease_seconds=0.2)
        await asyncio.sleep(0.3)  # the first sender is busy with earlier updates
        [second] = await repository.claim_updates(conn, 10, lease_seconds=30)
        assert second["id"] == first["id"]

        late = await repository.renew_update(conn, first["id"], first["next_attempt_at"], 30)
        held = await repository.renew_update(conn, second["id"], second["next_attempt_at"], 30)
    assert late is None, "the first sender must skip it"
    assert held is not None, "the sender holding the claim renews it and sends"
