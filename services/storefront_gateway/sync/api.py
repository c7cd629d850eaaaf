"""HTTP API of stock sync: reconcile on demand (admin), drift and per-SKU push state."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse

from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.sync.reconcile import as_table
from services.storefront_gateway.sync.runner import StockSync
from shared.auth import require_admin

router = APIRouter(tags=["channel stock"])


def running_sync(request: Request) -> StockSync:
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
