"""The ledger's reservation rules against real PostgreSQL, under real contention."""

import asyncio
import json
import uuid

from services.inventory_ledger import handlers, repository
from shared.db import UnitOfWork
from shared.events.inventory import RequestedQuantity, ReserveStock


def reserve(
    order_sku: list[tuple[str, int]], locations: tuple[str, ...] = ("a", "b")
) -> ReserveStock:
    return ReserveStock(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        locations=locations,
        lines=tuple(RequestedQuantity(sku=s, quantity=q) for s, q in order_sku),
    )


def uow(pool) -> UnitOfWork:
    return UnitOfWork(pool, "inventory-ledger", "")


async def stock(pool, sku: str) -> list[tuple[str, int, int]]:
    async with pool.acquire() as conn:
        rows = await repository.stock_of(conn, sku)
    return [(r.location, r.on_hand, r.reserved) for r in rows]


async def put(pool, sku: str, location: str, on_hand: int) -> None:
    await handlers.set_on_hand(sku, location, on_hand, uow(pool))


async def test_concurrent_reservations_never_exceed_stock(ledger_pool) -> None:
    sku = f"RACE-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 7)
    await put(ledger_pool, sku, "b", 5)

    commands = [reserve([(sku, 1)]) for _ in range(40)]

    await asyncio.gather(*(handlers.reserve_stock(c, uow(ledger_pool)) for c in commands))

    assert await stock(ledger_pool, sku) == [("a", 7, 7), ("b", 5, 5)]
    verdicts = await ledger_pool.fetch(
        "SELECT status, count(*) FROM reservations WHERE order_id = ANY($1) GROUP BY status",
        [c.order_id for c in commands],
    )
    assert {v["status"]: v["count"] for v in verdicts} == {"reserved": 12, "rejected": 28}


async def test_a_short_line_rolls_back_the_lines_already_reserved(ledger_pool) -> None:
    ok, short = f"OK-{uuid.uuid4().hex[:6]}", f"SHORT-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, ok, "a", 10)
    await put(ledger_pool, short, "a", 1)

    await handlers.reserve_stock(reserve([(ok, 3), (short, 2)]), uow(ledger_pool))

    assert await stock(ledger_pool, ok) == [("a", 10, 0)]
    assert await stock(ledger_pool, short) == [("a", 1, 0)]


async def test_a_rejection_names_every_short_line(ledger_pool) -> None:
    first, second = f"S1-{uuid.uuid4().hex[:6]}", f"S2-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, first, "a", 1)
    await put(ledger_pool, second, "b", 2)
    command = reserve([(first, 3), (second, 5)])

    await handlers.reserve_stock(command, uow(ledger_pool))

    payload = await ledger_pool.fetchval(
        "SELECT payload FROM outbox WHERE event_type = 'StockReservationRejected'"
        " AND convert_from(payload, 'UTF8') LIKE '%' || $1 || '%'",
        str(command.order_id),
    )
    reason = json.loads(bytes(payload))["reason"]
    assert f"{first}: requested 3, available 1" in reason
    assert f"{second}: requested 5, available 2" in reason


async def test_locations_are_tried_in_the_given_priority(ledger_pool) -> None:
    sku = f"PRIO-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 10)
    await put(ledger_pool, sku, "b", 10)

    await handlers.reserve_stock(reserve([(sku, 4)], locations=("b", "a")), uow(ledger_pool))

    assert await stock(ledger_pool, sku) == [("a", 10, 0), ("b", 10, 4)]


async def test_a_redelivered_command_reserves_nothing_more(ledger_pool) -> None:
    sku = f"ONCE-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 10)
    command = reserve([(sku, 2)])

    for _ in range(3):
        await handlers.reserve_stock(command, uow(ledger_pool))

    assert await stock(ledger_pool, sku) == [("a", 10, 2)]


async def test_on_hand_cannot_be_set_below_what_is_reserved(ledger_pool) -> None:
    sku = f"BELOW-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 5)
    await handlers.reserve_stock(reserve([(sku, 4)]), uow(ledger_pool))

    try:
        await put(ledger_pool, sku, "a", 3)
    except handlers.BelowReserved as exc:
        assert "below reserved" in str(exc)
    else:
        raise AssertionError("on hand was set below reserved")
    assert await stock(ledger_pool, sku) == [("a", 5, 4)]
