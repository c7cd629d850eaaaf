"""HTTP API of the inventory-ledger: read stock; set on hand (admin/receiving only)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, Field

from services.inventory_ledger import handlers, repository
from services.inventory_ledger.domain import StockRow
from shared.auth import require_admin
from shared.db import UnitOfWork

SkuPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
LocationPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]


class LocationStock(BaseModel):
    location: str
    on_hand: int
    reserved: int
    available: int
    version: int

    @classmethod
    def of(cls, row: StockRow) -> "LocationStock":
        return cls(
            location=row.location,
            on_hand=row.on_hand,
            reserved=row.reserved,
            available=row.available,
            version=row.version,
        )


class SkuStock(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    locations: list[LocationStock]


class SetOnHand(BaseModel):
    on_hand: int = Field(ge=0, le=10_000_000, description="Units physically at the location.")


def stock_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["stock"])

    @router.get("/stock/{sku}")
    async def get_stock(sku: SkuPath) -> SkuStock:
        async with uow_factory() as uow:
            rows = await repository.stock_of(uow.connection, sku)
        if not rows:
            raise HTTPException(404, f"no stock recorded for SKU {sku}")
        return SkuStock(
            sku=sku,
            on_hand=sum(r.on_hand for r in rows),
            reserved=sum(r.reserved for r in rows),
            available=sum(r.available for r in rows),
            locations=[LocationStock.of(r) for r in rows],
        )

    @router.get("/stock-audit")
    async def stock_audit() -> dict[str, Any]:
        """Proof that current stock equals the sum of its movements."""
        async with uow_factory() as uow:
            mismatches = await repository.audit(uow.connection)
        return {"consistent": not mismatches, "mismatches": mismatches}

    @router.put("/stock/{sku}/{location}", dependencies=[Depends(require_admin)])
    async def put_stock(sku: SkuPath, location: LocationPath, body: SetOnHand) -> LocationStock:
        try:
            row = await handlers.set_on_hand(sku, location, body.on_hand, uow_factory())
        except handlers.BelowReserved as exc:
            raise HTTPException(409, str(exc)) from exc
        return LocationStock.of(row)

    return router


def feeds_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["feeds"])

    @router.get("/feeds/files")
    async def feed_files(feed: str | None = None, limit: int = 50) -> dict[str, Any]:
        """Files taken from inventory feeds, newest first, each with its row report."""
        async with uow_factory() as uow:
            records = await uow.connection.fetch(
                "SELECT feed, name, processed_at, report FROM feed_files"
                " WHERE $1::text IS NULL OR feed = $1 ORDER BY processed_at DESC LIMIT $2",
                feed,
                min(max(limit, 1), 1000),
            )
        return {"files": [dict(r) for r in records]}

    return router
