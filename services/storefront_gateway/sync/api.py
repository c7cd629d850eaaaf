"""HTTP API of stock sync: reconcile on demand (admin), a channel's inventory items loaded,
what each channel shows of a SKU, the pushes that keep failing."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse

from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.sync.levels_repository import (
    drift_of,
    item_number,
    remember_items,
    reported,
)
from services.storefront_gateway.sync.reconcile import as_table
from services.storefront_gateway.sync.runner import StockSync
from services.storefront_gateway.sync.views_repository import channel_stock_of, failing_pushes
from shared.auth import require_admin
from shared.csvfeed import CsvFeedError, FeedReport, rows
from shared.deps import Uow

router = APIRouter(tags=["channel stock"])


async def running_sync(request: Request) -> StockSync:
    """The gateway's stock sync, once it has started."""
    started: Callable[[], StockSync] = request.app.state.stock_sync
    return started()


Sync = Annotated[StockSync, Depends(running_sync)]


@router.post("/reconcile", dependencies=[Depends(require_admin)], response_model=None)
async def run_reconcile(
    runner: Sync,
    channel: Annotated[list[str] | None, Query()] = None,
    dry_run: bool = False,
    format: Annotated[str, Query(pattern="^(json|table)$")] = "json",
) -> dict[str, Any] | PlainTextResponse:
    """Read each channel's stock, compare with the ledger; heal unless `dry_run`."""
    chosen = channel or runner.channel_ids
    unknown = [c for c in chosen if not runner.known(c)]
    if unknown:
        raise HTTPException(404, f"no stock-synced channel {', '.join(unknown)}")
    try:
        reports = await runner.reconcile(chosen, dry_run)
    except ConnectorError as exc:
        raise HTTPException(502, f"could not read a channel's stock: {exc}") from exc
    if format == "table":
        found = sum(len(r.differences) for r in reports)
        headers = {"X-Crossdock-Differences": str(found)}
        return PlainTextResponse(as_table(reports) + "\n", headers=headers)
    return {"reports": [r.as_json() for r in reports]}


@router.put("/channels/{channel_id}/inventory-items", dependencies=[Depends(require_admin)])
async def load_inventory_items(
    channel_id: str, request: Request, runner: Sync, uow: Uow
) -> dict[str, Any]:
    """A CSV of `inventory_item_id,sku`: which SKU each of the channel's inventory items
    is (Shopify's level webhooks name the item, not the SKU). Each bad row is reported."""
    if not runner.known(channel_id):
        raise HTTPException(404, f"no stock-synced channel {channel_id}")
    report = FeedReport()
    try:
        found = [
            (row.line, row.values["inventory_item_id"], row.values["sku"].strip())
            for row in rows(await request.body(), ("inventory_item_id", "sku"), report)
        ]
    except CsvFeedError as exc:
        raise HTTPException(422, str(exc)) from exc
    items = []
    for line, item, sku in found:
        if not item_number(item).strip().isdigit() or not sku:
            report.problem(line, f"{item!r}, {sku!r}: an inventory item id (a number) and a SKU")
        else:
            items.append((item.strip(), sku))
    async with uow:
        await remember_items(uow.connection, channel_id, items, "loaded")
        await uow.commit()
    return {"loaded": len(items), "problems": report.problems, "skipped": report.skipped}


@router.get("/channels/{channel_id}/levels/{sku}")
async def channel_levels(channel_id: str, sku: str, uow: Uow) -> dict[str, Any]:
    """What the channel last reported of the SKU at each of its locations (Shopify's
    level webhooks), and what the hub made of it: in step, drift corrected, untracked…"""
    async with uow:
        found = await reported(uow.connection, channel_id, sku)
        drift = await drift_of(uow.connection, channel_id, sku)
    return {"channel": channel_id, "sku": sku, "levels": found, "drift": drift}


@router.get("/channel-stock/{sku}")
async def channel_stock(sku: Annotated[str, Path(max_length=64)], uow: Uow) -> dict[str, Any]:
    """Per channel: what it should show of the SKU, what it was last sent and when, and
    the drift the last reconciliation found (expected, actual, first and last seen)."""
    async with uow:
        found = await channel_stock_of(uow.connection, sku)
    return {"sku": sku, "channels": found}


@router.get("/channel-pushes/failing")
async def failing_channel_pushes(
    uow: Uow, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """Stock owed to a channel whose pushes failed: tries, the channel's last answer."""
    async with uow:
        found = await failing_pushes(uow.connection, limit)
    return {"failing": found}
