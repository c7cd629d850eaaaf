"""Use cases: a return to expect at a 3PL, and the 3PL's report of what came back."""

from typing import Any
from uuid import UUID

from services.shipping_bridge import repository
from services.shipping_bridge.domain import DispatchError
from shared.db import UnitOfWork
from shared.events.returns import ReceivedLine, ReturnExpected, ReturnReceived


class ReturnNotFound(LookupError):
    """No such return for this 3PL."""


async def expect_return(notice: ReturnExpected, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if await uow.inbox.claim(consumer, notice.event_id):
            await repository.insert_return(uow.connection, notice)
            await uow.commit()


async def expected_for(fulfiller: str, uow: UnitOfWork) -> list[dict[str, Any]]:
    async with uow:
        return await repository.expected_returns(uow.connection, fulfiller)


async def receive(
    fulfiller: str, return_id: UUID, lines: list[ReceivedLine], uow: UnitOfWork
) -> bool:
    """Records what came back; False when this return was already reported (no change)."""
    async with uow:
        row = await repository.lock_return(uow.connection, return_id, fulfiller)
        if row is None:
            raise ReturnNotFound(f"no return {return_id} for {fulfiller}")
        if row["status"] == "received":
            return False
        _check(row["lines"], lines)
        await repository.mark_received(uow.connection, return_id, lines)
        event = ReturnReceived(
            correlation_id=row["correlation_id"],
            return_id=return_id,
            order_id=row["order_id"],
            location=row["location"],
            lines=tuple(lines),
        )
        await uow.outbox.add(event, key=str(row["order_id"]))
        await uow.commit()
        return True


def _check(expected: dict[str, int], lines: list[ReceivedLine]) -> None:
    got: dict[str, int] = {}
    for line in lines:
        got[line.sku] = got.get(line.sku, 0) + line.quantity
    for sku, quantity in got.items():
        if quantity > expected.get(sku, 0):
            raise DispatchError(f"{sku}: {quantity} received, but {expected.get(sku, 0)} expected")
