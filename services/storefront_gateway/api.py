"""HTTP API of the storefront-gateway beyond webhooks: the ERP."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from shared.db import UnitOfWork


def erp_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["erp"])

    @router.get("/erp/rejected")
    async def rejected(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """ERP records that could not be mapped, with the field and the reason."""
        async with uow_factory() as uow:
            records = await uow.connection.fetch(
                "SELECT kind, item, reason, rejected_at FROM erp_rejected ORDER BY id DESC"
                " LIMIT $1",
                limit,
            )
        return {"rejected": [dict(r) for r in records]}

    @router.get("/erp/accounts")
    async def accounts(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """Storefront accounts and whether the ERP has them yet (its number) or why not."""
        async with uow_factory() as uow:
            records = await uow.connection.fetch(
                "SELECT channel, channel_ref, account, erp_number, attempts, last_error"
                " FROM account_exports ORDER BY next_attempt_at DESC LIMIT $1",
                limit,
            )
        return {"accounts": [dict(r) for r in records]}

    return router
