"""Requests sharing one durable commit on the real PostgreSQL: answered after it, each
failure its own, a lost database failing the whole group, a conflict run one by one."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from shared.db import UnitOfWork
from shared.group_commit import GroupCommit

SERVICE = "inventory-ledger"


@pytest.fixture
async def pool(ledger_pool: Any) -> AsyncIterator[Any]:
    async with ledger_pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS group_probe (id uuid PRIMARY KEY, txid bigint);"
            " TRUNCATE group_probe"
        )
    yield ledger_pool


@pytest.fixture
async def group(pool: Any) -> AsyncIterator[GroupCommit]:
    together = GroupCommit(lambda: pool)
    together.start()
    yield together
    await together.stop()


def request(pool: Any, fault: BaseException | None = None) -> Any:
    """A request's work: a row written in its unit of work, then maybe a fault."""
    row = uuid.uuid4()

    async def work() -> tuple[uuid.UUID, int]:
        async with UnitOfWork(pool, SERVICE, "") as uow:
            txid = await uow.connection.fetchval(
                "INSERT INTO group_probe VALUES ($1, txid_current()) RETURNING txid", row
            )
            if fault is not None:
                raise fault
            await uow.commit()
        return row, txid

    return work


async def stored(pool: Any) -> dict[uuid.UUID, int]:
    async with pool.acquire() as conn:
        return {r["id"]: r["txid"] for r in await conn.fetch("SELECT * FROM group_probe")}


async def test_requests_arriving_together_share_one_transaction_and_are_all_kept(
    pool: Any, group: GroupCommit
) -> None:
    answers = await asyncio.gather(*(group.run(request(pool)) for _ in range(8)))

    assert len({txid for _, txid in answers}) == 1, "one transaction"
    assert await stored(pool) == dict(answers), "each answered after the commit kept it"


async def test_a_refused_request_fails_alone_and_leaves_nothing(
    pool: Any, group: GroupCommit
) -> None:
    refused = request(pool, ValueError("not a valid order payload"))
    answers = await asyncio.gather(
        group.run(request(pool)), group.run(refused), group.run(request(pool)),
        return_exceptions=True,
    )  # fmt: skip

    assert isinstance(answers[1], ValueError)
    assert await stored(pool) == dict([answers[0], answers[2]])  # type: ignore[list-item]


async def test_a_lost_database_fails_every_request_of_the_group_and_keeps_none(
    pool: Any, group: GroupCommit
) -> None:
    lost = request(pool, ConnectionResetError("connection lost"))
    answers = await asyncio.gather(
        group.run(request(pool)), group.run(lost), group.run(request(pool)),
        return_exceptions=True,
    )  # fmt: skip

    assert all(isinstance(a, ConnectionResetError) for a in answers), answers
    assert await stored(pool) == {}, "nothing answered, nothing kept: the sender retries"


async def test_a_lock_conflict_runs_the_groups_requests_one_transaction_each(
    pool: Any, group: GroupCommit
) -> None:
    conflicts = [asyncpg.exceptions.DeadlockDetectedError("deadlock detected")]

    def once_conflicting() -> Any:
        plain = request(pool)

        async def work() -> Any:
            if conflicts:
                raise conflicts.pop()
            return await plain()

        return work

    answers = await asyncio.gather(
        group.run(request(pool)), group.run(once_conflicting()), group.run(request(pool))
    )

    assert len({txid for _, txid in answers}) == 3, "each in a transaction of its own"
    assert await stored(pool) == dict(answers)


async def test_before_it_starts_a_request_runs_in_its_own_transaction(pool: Any) -> None:
    row, _ = await GroupCommit(lambda: pool).run(request(pool))

    assert row in await stored(pool)
