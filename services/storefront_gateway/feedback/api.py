"""Operators' view of the feedback wing: what is owed to channels, and why a channel
refused what it refused."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.storefront_gateway.feedback import repository
from shared.deps import Uow

router = APIRouter(tags=["channels"])


@router.get("/channel-updates")
async def channel_updates(
    uow: Uow,
    status: Annotated[str, Query(pattern="^(pending|done|failed)$")] = "failed",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Status and tracking owed to channels; `failed` ones say why the channel refused."""
    async with uow:
        return {"updates": await repository.updates(uow.connection, status, limit)}
