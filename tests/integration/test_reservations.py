"""The ledger's reservation rules against real PostgreSQL, under real contention."""

import asyncio
import json
import uuid

from services.inventory_ledger import handlers, repository
from shared.db import UnitOfWork
from shared.events.inventory import RequestedQuantity, ReserveStock


def reserve(
    order_sku: list[tuple[str, int]], locations: tuple[str, ...] = ("a", "b"), split: bool = False
) -> ReserveStock:
    return ReserveStock(
        correlation_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        locations=locations,
        lines=tuple(RequestedQuantity(sku=s, quantity=q) for s, q in order_sku),
        allow_split=split,
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


async def test_one_location_that_can_fill_the_whole_order_is_preferred(ledger_pool) -> None:
    first, second = f"W1-{uuid.uuid4().hex[:6]}", f"W2-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, first, "a", 10)
    await put(ledger_pool, first, "b", 10)
    await put(ledger_pool, second, "b", 10)

    await handlers.reserve_stock(reserve([(first, 1), (second, 1)]), uow(ledger_pool))

    assert await stock(ledger_pool, first) == [("a", 10, 0), ("b", 10, 1)], "one shipment, from b"
    assert await stock(ledger_pool, second) == [("b", 10, 1)]


async def test_a_line_splits_across_locations_only_when_the_channel_allows_it(ledger_pool) -> None:
    sku = f"SPLIT-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 3)
    await put(ledger_pool, sku, "b", 2)

    await handlers.reserve_stock(reserve([(sku, 5)], split=False), uow(ledger_pool))
    assert await stock(ledger_pool, sku) == [("a", 3, 0), ("b", 2, 0)], "rejected, nothing held"

    await handlers.reserve_stock(reserve([(sku, 5)], split=True), uow(ledger_pool))
    assert await stock(ledger_pool, sku) == [("a", 3, 3), ("b", 2, 2)]


async def test_concurrent_split_reservations_never_exceed_stock(ledger_pool) -> None:
    sku = f"SPLITRACE-{uuid.uuid4().hex[:6]}"
    await put(ledger_pool, sku, "a", 5)
    await put(ledger_pool, sku, "b", 6)
    commands = [reserve([(sku, 3)], split=True) for _ in range(10)]

    await asyncio.gather(*(handlers.reserve_stock(c, uow(ledger_pool)) for c in commands))

    rows = await stock(ledger_pool, sku)
    assert all(reserved <= on_hand for _, on_hand, reserved in rows)
    assert sum(reserved for _, _, reserved in rows) == 9, "three orders of 3 fit in 11"
