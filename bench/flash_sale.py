"""A flash sale: half of all lines are one hot SKU whose stock covers only a part of them,
the other half spread over twenty SKUs with stock to spare.

The offered rate steps up as in the uniform run (bench/limit.py); every hot order that
finds no stock must be refused, never reserved. Verdicts, from outside the ledger: the
hot orders reserved never exceed the hot stock there was (zero oversold), no stock row of
the ledger is negative, stock equals the sum of its movements (the ledger's audit),
and the rate sustained, against the uniform run's limit.
"""

from typing import Any

from bench.limit import STEP_SECONDS, find_limit, rates
from bench.orders import client_for, run_orders
from simulators.storefronts import Line
from tests.support.hub import Hub

HOT = "FLASH-HOT"
COLD = tuple(f"FLASH-{n:02d}" for n in range(20))
HOT_SHARE_IN_STOCK = 0.3  # of the first step's hot lines, this share finds stock
LOCATION = "wh-1"
STEPS = 4


def is_hot(order_number: int) -> bool:
    return order_number % 2 == 0


def flash_lines(order_number: int) -> list[Line]:
    sku = HOT if is_hot(order_number) else COLD[order_number // 2 % len(COLD)]
    return [Line(sku, 1, "19.99")]


async def bench_flash_sale(hub: Hub, start_rate: float) -> dict[str, Any]:
    """Steps up from `start_rate`; the hot stock is a share of the hot lines of the
    first step, so it runs out there and every later hot line must be refused."""
    offered = rates(start_rate)[:STEPS]
    hot_stock = int(offered[0] * STEP_SECONDS / 2 * HOT_SHARE_IN_STOCK)
    async with client_for(hub) as client:
        await hub.set_stock(client, HOT, LOCATION, hot_stock)
        for sku in COLD:
            await hub.set_stock(client, sku, LOCATION, 10_000_000)
    hot_reserved = 0

    async def step(rate: float, count: int) -> dict[str, Any]:
        nonlocal hot_reserved
        run = await run_orders(hub, count, rate, flash_lines)
        hot_reserved += sum(1 for name in run.reserved if is_hot(int(name.lstrip("#"))))
        return run.figures

    limit = await find_limit(step, offered)
    async with client_for(hub) as client:
        rows = [await hub.stock(client, sku) for sku in (HOT, *COLD)]
        audit = (await client.get(hub.url("inventory-ledger", "/stock-audit"))).json()
    negative = [row for row in rows if any(min(_counts(loc)) < 0 for loc in _locations(row))]
    return limit | {
        "hot_stock": hot_stock,
        "hot_orders_reserved": hot_reserved,
        "oversold": max(0, hot_reserved - hot_stock),
        "negative_stock_rows": len(negative),
        "stock_equals_its_movements": audit["consistent"],
        "hot_now": rows[0],
    }


def _locations(stock: dict[str, Any]) -> list[dict[str, Any]]:
    return list(stock.get("locations", []))


def _counts(location: dict[str, Any]) -> list[int]:
    return [int(location[k]) for k in ("on_hand", "reserved", "available") if k in location]
