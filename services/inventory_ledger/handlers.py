"""Use cases of the inventory-ledger: reserve an order's stock, set stock on hand."""

from uuid import UUID, uuid4

import asyncpg

from services.inventory_ledger import repository, reserving
from services.inventory_ledger.domain import StockRow, rejection_reason, requested_by_sku
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.events.inventory import (
    Allocation,
    RequestedQuantity,
    ReserveStock,
    ShortLine,
    StockLevelChanged,
    StockReservationRejected,
    StockReserved,
)

CONSUMER = "inventory-ledger.reserve-stock"  # also releases; the name is the group id, kept stable


def level_changed(row: StockRow, cause: Event | None) -> StockLevelChanged:
    fields = dict(
        sku=row.sku,
        location=row.location,
        on_hand=row.on_hand,
        reserved=row.reserved,
        available=row.available,
        version=row.version,
    )
    if cause is None:
        return StockLevelChanged(correlation_id=uuid4(), **fields)
    return StockLevelChanged.caused_by(cause, **fields)


async def reserve_stock(command: ReserveStock, uow: UnitOfWork) -> None:
    """All lines or none: a short line rolls back every reservation of the order."""
    async with uow:
        conn = uow.connection
        if not await uow.inbox.claim(CONSUMER, command.event_id):
            return
        if await repository.is_settled(conn, command.order_id):
            await uow.commit()
            return
        try:
            reserved = await reserving.reserve_order(
                conn, command.lines, command.locations, command.allow_split
            )
        except reserving.Short as short:
            await _reject(uow, command, short)
        else:
            await _accept(uow, command, reserved)
        await uow.commit()


async def _accept(
    uow: UnitOfWork, command: ReserveStock, reserved: list[tuple[StockRow, int]]
) -> None:
    allocations = await record_reserved(uow, command.order_id, reserved, command)
    await repository.record_verdict(uow.connection, command.order_id, "reserved", allocations)
    verdict = StockReserved.caused_by(
        command, order_id=command.order_id, allocations=tuple(allocations)
    )
    await uow.outbox.add(verdict, key=str(command.order_id))


async def record_reserved(
    uow: UnitOfWork, order_id: UUID, reserved: list[tuple[StockRow, int]], cause: Event
) -> list[Allocation]:
    """Each reserved row a movement and a level change; returns the allocations."""
    for row, quantity in reserved:
        await repository.record_movement(
            uow.connection, row, "reservation", 0, quantity, order_id, cause.event_id
        )
        await uow.outbox.add(level_changed(row, cause), key=row.sku)
    return [Allocation(sku=r.sku, location=r.location, quantity=q) for r, q in reserved]


async def _reject(uow: UnitOfWork, command: ReserveStock, short: reserving.Short) -> None:
    lines = await short_lines(uow.connection, command.lines, command.locations, short)
    await repository.record_verdict(uow.connection, command.order_id, "rejected", [])
    rejected = StockReservationRejected.caused_by(
        command,
        order_id=command.order_id,
        short_lines=tuple(lines),
        reason=rejection_reason(lines),
    )
    await uow.outbox.add(rejected, key=str(command.order_id))


async def short_lines(
    conn: asyncpg.Connection,
    lines: tuple[RequestedQuantity, ...],
    locations: tuple[str, ...],
    short: reserving.Short,
) -> list[ShortLine]:
    """Name every line the order is short of, not only the first one that failed."""
    found = []
    for sku, quantity in requested_by_sku(lines):
        best = await repository.best_availability(conn, sku, locations)
        if sku == short.sku or best < quantity:
            found.append(ShortLine(sku=sku, requested=quantity, available=best))
    return found


class BelowReserved(Exception):
    """On hand cannot be set below what is already reserved."""


async def set_on_hand(sku: str, location: str, on_hand: int, uow: UnitOfWork) -> StockRow:
    async with uow:
        try:
            row, delta = await repository.set_on_hand(uow.connection, sku, location, on_hand)
        except asyncpg.CheckViolationError as exc:
            raise BelowReserved(
                f"{sku} at {location}: on hand {on_hand} is below reserved"
            ) from exc
        if delta:
            kind = "receipt" if delta > 0 else "adjustment"
            await repository.record_movement(uow.connection, row, kind, delta, 0)
        await uow.outbox.add(level_changed(row, None), key=sku)
        await uow.commit()
        return row
