"""The quarantine: what could not be mapped, grouped by reason, inspected, and replayed
through the current mapping once it (or a cross-reference table) is fixed.

Replay takes deliveries oldest first — the order they arrived in, so per order and SKU
the original order holds — and is idempotent: a delivery that is no longer quarantined
is left alone, so replaying twice publishes once.
"""

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field, model_validator

from services.storefront_gateway.intake import handlers, repository, thin_repository
from services.storefront_gateway.intake.deps import IntakeParts, Parts
from services.storefront_gateway.intake.remap import remap
from shared.auth import require_admin
from shared.db import UnitOfWork
from shared.deps import Uow, UowFactory


class Replay(BaseModel):
    """Which deliveries to replay: some ids, all with one reason, or all."""

    ids: list[UUID] | None = Field(None, max_length=10_000)
    reason: str | None = None
    all: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> "Replay":
        if sum((self.ids is not None, self.reason is not None, self.all)) != 1:
            raise ValueError("say exactly one of: ids, reason, all")
        return self


router = APIRouter(tags=["quarantine"])


@router.get("/quarantine")
async def list_quarantine(
    uow: Uow, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """Newest first, and grouped: 'unknown item_number ABC-1' — 37 deliveries."""
    async with uow:
        found = await repository.quarantine(uow.connection, limit)
        groups = await repository.quarantine_reasons(uow.connection)
    lines = Counter(item["reason"] for item in found["lines"])
    return {
        **found,
        "by_reason": groups,
        "lines_by_reason": [{"reason": r, "count": n} for r, n in lines.most_common()],
    }


@router.get("/quarantine/{delivery_id}")
async def show(delivery_id: UUID, uow: Uow) -> dict[str, Any]:
    """One delivery as it arrived: connector, headers, raw payload, reason, time."""
    async with uow:
        row = await repository.find_delivery_by_public_id(uow.connection, delivery_id)
    if row is None:
        raise HTTPException(404, f"no delivery {delivery_id}")
    body = bytes(row.pop("body"))
    return {**row, "payload": body.decode("utf-8", errors="replace")}


@router.post("/quarantine/replay", dependencies=[Depends(require_admin)])
async def replay(choice: Replay, units: UowFactory, parts: Parts) -> dict[str, Any]:
    async with units() as uow:
        due = await repository.quarantined_deliveries(uow.connection, choice.ids, choice.reason)
    results = [await _replay_one(row, units, parts) for row in due]
    accepted = sum(1 for r in results if r["status"] == "accepted")
    return {"replayed": len(results), "accepted": accepted, "results": results}


async def _replay_one(
    row: dict[str, Any], units: Callable[[], UnitOfWork], parts: IntakeParts
) -> dict[str, Any]:
    async with units() as uow:
        mapper = await remap(row, parts.channels, parts.mappers, uow.connection)
    receipt = await handlers.replay_delivery(row["id"], mapper, units())
    return {
        "delivery_id": str(row["public_id"]),
        "status": receipt.status,
        "order_id": str(receipt.order_id) if receipt.order_id else None,
        "reason": receipt.reason,
    }


@router.get("/webhooks/waiting")
async def waiting_webhooks(uow: Uow, channel: str | None = None) -> dict[str, Any]:
    """Thin webhooks taken whose order the store has not shown yet: each with its tries
    and the store's last answer (they are tried again with backoff, never dropped)."""
    async with uow:
        found = await thin_repository.waiting(uow.connection, channel)
    return {"waiting": found}
