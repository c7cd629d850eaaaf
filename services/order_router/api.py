"""HTTP API of the order-router: an order, its state and its timeline."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from services.order_router import repository
from shared.db import UnitOfWork


class TimelineEntry(BaseModel):
    occurred_at: datetime
    event_type: str
    event_id: UUID
    detail: dict[str, Any]


class OrderView(BaseModel):
    order_id: UUID
    channel: str
    channel_order_ref: str
    channel_order_name: str
    status: str
    reason: str | None
    currency: str
    totals: dict[str, Any]
    lines: list[dict[str, Any]]
    unmapped_lines: list[dict[str, Any]]
    hold_until_mapped: bool
    allocations: list[dict[str, Any]]
    shipments: list[dict[str, Any]]
    timeline: list[TimelineEntry]


def orders_router(uow_factory: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(tags=["orders"])

    @router.get("/orders/{order_id}")
    async def get_order(order_id: UUID) -> OrderView:
        async with uow_factory() as uow:
            order = await repository.find_order(uow.connection, order_id)
        if order is None:
            raise HTTPException(404, f"no order {order_id}")
        placed = order["placed"]
        return OrderView(
            **{
                k: order[k]
                for k in (
                    "order_id",
                    "channel",
                    "channel_order_ref",
                    "channel_order_name",
                    "status",
                    "reason",
                    "allocations",
                    "shipments",
                    "timeline",
                )
            },
            currency=placed["currency"],
            totals=placed["totals"],
            lines=placed["lines"],
            unmapped_lines=placed["unmapped_lines"],
            hold_until_mapped=placed["hold_until_mapped"],
        )

    return router
