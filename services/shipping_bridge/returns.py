"""Use cases: a return to expect at a 3PL, and the 3PL's report of what came back."""

import uuid
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.shipping_bridge import repository, returns_repository
from services.shipping_bridge.domain import DispatchError
from shared.db import UnitOfWork
from shared.events.returns import ReceivedLine, ReturnExpected, ReturnReceived

# Return ids of unannounced returns: one per 3PL and its report id, so a report sent
# again is the same return.
UNANNOUNCED = uuid.UUID("6d3c2a4e-1f0b-5c7e-9a8d-2b4f6e8a0c13")


class ReturnNotFound(LookupError):
    """No such return for this 3PL."""


async def expect_return(notice: ReturnExpected, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if await uow.inbox.claim(consumer, notice.event_id):
            await returns_repository.insert_return(uow.connection, notice)
            await uow.commit()


async def expected_for(fulfiller: str, uow: UnitOfWork) -> list[dict[str, Any]]:
    async with uow:
        return await returns_repository.expected_returns(uow.connection, fulfiller)


async def receive(
    fulfiller: str, return_id: UUID, lines: list[ReceivedLine], uow: UnitOfWork
) -> bool:
    """Records what came back; False when this return was already reported (no change)."""
    async with uow:
        row = await returns_repository.lock_return(uow.connection, return_id, fulfiller)
        if row is None:
            raise ReturnNotFound(f"no return {return_id} for {fulfiller}")
        if row["status"] == "received":
            return False
        _check(row["lines"], lines)
        await returns_repository.mark_received(uow.connection, return_id, lines)
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


class ReturnUnclear(LookupError):
    """The report names no shipment of this 3PL, or more than one."""


async def receive_unannounced(
    fulfiller: str, report: "UnannouncedReturn", uow: UnitOfWork
) -> tuple[UUID, UUID, bool]:
    """A return the 3PL was not told to expect (a customer sent goods back unasked):
    recorded against the shipment it names, at most what that shipment shipped, once per
    3PL report id. Returns (return id, order id, whether it is new)."""
    return_id = uuid.uuid5(UNANNOUNCED, f"{fulfiller}:{report.report_id}")
    async with uow:
        conn = uow.connection
        seen = await returns_repository.lock_return(conn, return_id, fulfiller)
        if seen is not None:  # this report again: what it recorded stands
            return return_id, seen["order_id"], False
        found = await returns_repository.shipments_for_return(
            conn, fulfiller, report.shipment_reference, report.order_name
        )
        if len(found) != 1:
            named = report.shipment_reference or report.order_name
            why = "no shipment of yours" if not found else "several shipments; give the reference"
            raise ReturnUnclear(f"{named}: {why}")
        shipment = found[0]
        shipped = _shipped(await repository.dispatches_of(conn, shipment["shipment_id"]))
        back = await returns_repository.returned_so_far(conn, shipment["shipment_id"])
        _check({s: q - back.get(s, 0) for s, q in shipped.items()}, report.lines)
        new = await returns_repository.insert_received(
            conn, return_id, shipment, fulfiller, report.lines
        )
        if new:
            event = ReturnReceived(
                correlation_id=shipment["correlation_id"],
                return_id=return_id,
                order_id=shipment["order_id"],
                location=shipment["location"],
                lines=tuple(report.lines),
            )
            await uow.outbox.add(event, key=str(shipment["order_id"]))
        await uow.commit()
        return return_id, shipment["order_id"], new


def _shipped(dispatches: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for dispatch in dispatches:  # each parcel's lines: SKU -> units
        for sku, quantity in dispatch["lines"].items():
            total[sku] = total.get(sku, 0) + int(quantity)
    return total


class UnannouncedReturn(BaseModel):
    """`POST /3pl/v1/returns`: goods came back that no ReturnExpected announced."""

    model_config = ConfigDict(extra="forbid")

    report_id: str = Field(min_length=1, max_length=64, description="The 3PL's own id for it.")
    shipment_reference: UUID | None = Field(None, description="Our shipment id, as shipped.")
    order_name: str | None = Field(
        None, max_length=64, description="The channel's order name, when the 3PL has only it."
    )
    lines: list[ReceivedLine] = Field(min_length=1, max_length=500)


def _check(expected: dict[str, int], lines: list[ReceivedLine]) -> None:
    got: dict[str, int] = {}
    for line in lines:
        got[line.sku] = got.get(line.sku, 0) + line.quantity
    for sku, quantity in got.items():
        if quantity > expected.get(sku, 0):
            raise DispatchError(f"{sku}: {quantity} received, but {expected.get(sku, 0)} expected")
