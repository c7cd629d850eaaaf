"""Operators' view of the ERP wing: records the ERP sent that could not be mapped, and
the storefront accounts owed to the ERP."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from shared.deps import Uow

router = APIRouter(tags=["erp"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/erp/rejected")
async def rejected(uow: Uow, limit: Limit = 100) -> dict[str, Any]:
    """ERP records that could not be mapped, with the field and the reason."""
    async with uow:
        records = await uow.connection.fetch(
            "SELECT kind, item, reason, rejected_at FROM erp_rejected ORDER BY id DESC LIMIT $1",
            limit,
        )
    return {"rejected": [dict(r) for r in records]}


@router.get("/erp/accounts")
async def accounts(uow: Uow, limit: Limit = 100) -> dict[str, Any]:
    """Storefront accounts and whether the ERP has them yet (its number) or why not."""
    async with uow:
        records = await uow.connection.fetch(
            "SELECT channel, channel_ref, account, erp_number, attempts, last_error"
            " FROM account_exports ORDER BY next_attempt_at DESC LIMIT $1",
            limit,
        )
    return {"accounts": [dict(r) for r in records]}
