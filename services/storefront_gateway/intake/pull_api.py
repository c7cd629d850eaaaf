"""`POST /orders/reconcile`: read each channel's recent orders back and take in those its
webhooks never delivered (or, with `dry_run`, only say which); `crossdock reconcile
orders` calls it."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.intake.deps import Parts
from services.storefront_gateway.intake.order_pull import due_channels, pull_orders
from shared.auth import require_admin
from shared.deps import UowFactory

router = APIRouter(tags=["orders"])


@router.post("/orders/reconcile", dependencies=[Depends(require_admin)])
async def reconcile_orders(
    parts: Parts,
    units: UowFactory,
    channel: Annotated[list[str] | None, Query()] = None,
    since: datetime | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Per channel: orders read, already had, taken in, quarantined; `webhooks_silent`
    when the channel had orders its webhooks never brought."""
    readable = {c.id: c for c in due_channels(parts)}
    chosen = channel or sorted(readable)
    unknown = [c for c in chosen if c not in readable]
    if unknown:
        raise HTTPException(404, f"no channel whose orders can be read back: {unknown}")
    reports = []
    for channel_id in chosen:
        try:
            report = await pull_orders(parts, units, readable[channel_id], since, dry_run)
        except ConnectorError as exc:
            raise HTTPException(502, f"{channel_id}: {exc}") from exc
        reports.append(report.as_json())
    return {"channels": reports}
