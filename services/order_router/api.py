"""HTTP API of the order-router: an order, its state and its timeline; the operators'
search by channel and number, customer email, or the orders that wait on someone."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from services.order_router import credit, flow_repository, handlers, repository
from services.order_router.locations import Location
from services.order_router.search_repository import NEEDING_ATTENTION, OrderSearch, search_orders
from shared.auth import require_admin
from shared.deps import Uow
from shared.events.orders import OrderApproved


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


class Approval(BaseModel):
    approved_by: str = Field(min_length=1, max_length=200)
    note: str | None = Field(None, max_length=2000)


router = APIRouter(tags=["orders"])
VIEWED = (
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


async def configured_locations(request: Request) -> tuple[Location, ...]:
    """Where orders can be fulfilled from, as the app was built with them."""
    locations: tuple[Location, ...] = request.app.state.locations
    return locations


Locations = Annotated[tuple[Location, ...], Depends(configured_locations)]


@router.get("/credit-accounts/{customer_id}")
async def credit_account(customer_id: str, uow: Uow) -> dict[str, Any]:
    """A B2B account's credit: limit, balance, orders placed since, what is left."""
    async with uow:
        found = await credit.standing(uow.connection, customer_id)
    if found is None:
        raise HTTPException(404, f"no credit account {customer_id}")
    return found


@router.post("/orders/{order_id}/approve", dependencies=[Depends(require_admin)])
async def approve_order(
    order_id: UUID, body: Approval, uow: Uow, locations: Locations
) -> dict[str, str]:
    """Send on an order held for approval (a B2B credit limit)."""
    approval = OrderApproved(
        correlation_id=uuid4(), order_id=order_id, approved_by=body.approved_by, note=body.note
    )
    refused = await handlers.approve(approval, uow, locations)
    if refused == "no such order":
        raise HTTPException(404, f"no order {order_id}")
    if refused is not None:
        raise HTTPException(409, refused)
    return {"status": "approved", "order_id": str(order_id)}


@router.get("/orders")
async def find_orders(
    uow: Uow,
    channel: Annotated[str | None, Query(max_length=100)] = None,
    number: Annotated[str | None, Query(max_length=100)] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    status: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Orders by the number their channel shows (`#1001` or 1001; within a channel also
    the platform's order id), by customer email, or by status among those that wait on
    someone; newest first. Name at least one of number, email, status."""
    unknown = sorted(set(status or ()) - set(NEEDING_ATTENTION))
    if unknown:
        raise HTTPException(422, f"status lists only {', '.join(NEEDING_ATTENTION)}: {unknown}")
    if not (number or email or status):
        raise HTTPException(422, "name a number, an email or a status to search by")
    search = OrderSearch(channel, number, email, tuple(status or ()), limit)
    async with uow:
        found = await search_orders(uow.connection, search)
    return {"orders": found}


@router.get("/orders/flow")
async def order_flow(uow: Uow, minutes: Annotated[int, Query(ge=1, le=1440)] = 60) -> Any:
    """Orders per minute and channel over the last `minutes`, and placed → reserved
    (p50, p99) for them: the ops console's flow chart."""
    async with uow:
        return await flow_repository.flow(uow.connection, minutes)


@router.get("/orders/{order_id}")
async def get_order(order_id: UUID, uow: Uow) -> OrderView:
    async with uow:
        order = await repository.find_order(uow.connection, order_id)
    if order is None:
        raise HTTPException(404, f"no order {order_id}")
    placed = order["placed"]
    return OrderView(
        **{k: order[k] for k in VIEWED},
        currency=placed["currency"],
        totals=placed["totals"],
        lines=placed["lines"],
        unmapped_lines=placed["unmapped_lines"],
        hold_until_mapped=placed["hold_until_mapped"],
    )
