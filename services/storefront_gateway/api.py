"""HTTP API of the storefront-gateway beyond webhooks: the quarantine, grouped by reason."""

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.storefront_gateway import repository
from shared.db import UnitOfWork


def quarantine_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["quarantine"])

    @router.get("/quarantine")
    async def list_quarantine(
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        async with uow_factory() as uow:
            found = await repository.quarantine(uow.connection, limit)
        reasons = Counter(item["reason"] for kind in found.values() for item in kind)
        return {
            **found,
            "by_reason": [{"reason": r, "count": n} for r, n in reasons.most_common()],
        }

    @router.get("/channel-updates")
    async def channel_updates(
        status: Annotated[str, Query(pattern="^(pending|done|failed)$")] = "failed",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """Status and tracking owed to channels; `failed` ones say why the channel refused."""
        async with uow_factory() as uow:
            return {"updates": await repository.updates(uow.connection, status, limit)}

    return router
