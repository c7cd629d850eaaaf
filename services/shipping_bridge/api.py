"""The HTTP API for 3PLs: acknowledge, dispatch, deliver, report exceptions.

Every call carries the 3PL's own key in `X-Api-Key`. A 3PL sees only the shipments
assigned to it: another 3PL's shipment is answered exactly like a missing one (404).
Repeated or late reports are safe: duplicates change nothing and states never move back.
A report is answered once it is durably committed; reports arriving together share that
commit (`shared.group_commit`), each its own savepoint, a refusal its own.
"""

from collections.abc import Awaitable
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, Response, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field, HttpUrl

from services.shipping_bridge import handlers, repository, returns
from services.shipping_bridge.domain import DispatchError
from services.shipping_bridge.fulfillers import Fulfillers
from shared.deps import SharedCommit, Uow
from shared.events.fulfilment import ShipmentLine
from shared.events.returns import ReceivedLine

T = TypeVar("T")
Text = Annotated[str, Field(min_length=1, max_length=64)]


class DispatchBody(BaseModel):
    dispatch_id: Text = Field(description="Your id for this parcel; repeat it to retry safely.")
    carrier: Text
    tracking_number: Text
    tracking_url: HttpUrl | None = None
    lines: list[ShipmentLine] = Field(min_length=1, description="What is in this parcel.")


class ExceptionBody(BaseModel):
    report_id: Text | None = Field(
        None, description="Your id for this report; repeat it to retry safely."
    )
    code: Text
    message: str = Field(min_length=1, max_length=500)


class ReturnReceipt(BaseModel):
    lines: list[ReceivedLine] = Field(
        min_length=1, description="What came back, and whether it can be sold again."
    )


class ShipmentState(BaseModel):
    shipment_id: UUID
    status: str
    recorded: bool | None = None


class ShipmentView(BaseModel):
    shipment_id: UUID
    order_name: str
    status: str
    lines: dict[str, int]
    ship_to_country: str | None
    dispatches: list[dict[str, object]]


router = APIRouter(prefix="/3pl/v1", tags=["3PL API"])


# Declared as a security scheme, so the 3PL API's OpenAPI document says how to call it.
THREE_PL_KEY = APIKeyHeader(
    name="X-Api-Key",
    auto_error=False,
    scheme_name="ThreePlKey",
    description="The 3PL's own key (one per 3PL): it sees only its own shipments and returns.",
)


async def calling_fulfiller(
    request: Request, x_api_key: Annotated[str | None, Security(THREE_PL_KEY)] = None
) -> str:
    """The 3PL whose key this is (the app's fulfillers, compared in constant time)."""
    fulfillers: Fulfillers = request.app.state.fulfillers
    found = fulfillers.authenticate(x_api_key)
    if found is None:
        raise HTTPException(401, "X-Api-Key missing or not a 3PL key")
    return found


Caller = Annotated[str, Depends(calling_fulfiller)]


@router.get("/shipments/{shipment_id}")
async def get_shipment(shipment_id: UUID, caller: Caller, uow: Uow) -> ShipmentView:
    async with uow:
        shipment = await repository.lock_for(uow.connection, shipment_id, caller)
        if shipment is None:
            raise HTTPException(404, f"no shipment {shipment_id}")
        dispatches = await repository.dispatches_of(uow.connection, shipment_id)
    return ShipmentView(
        shipment_id=shipment_id,
        order_name=shipment["channel_order_name"],
        status=shipment["status"],
        lines=shipment["lines"],
        ship_to_country=shipment["ship_to_country"],
        dispatches=dispatches,
    )


@router.post("/shipments/{shipment_id}/acknowledgement")
async def acknowledge(
    shipment_id: UUID, caller: Caller, uow: Uow, commit: SharedCommit
) -> ShipmentState:
    status = await _call(commit.run(lambda: handlers.acknowledge(caller, shipment_id, uow)))
    return ShipmentState(shipment_id=shipment_id, status=status)


@router.post("/shipments/{shipment_id}/dispatches", status_code=201)
async def dispatch(
    shipment_id: UUID,
    body: DispatchBody,
    caller: Caller,
    response: Response,
    uow: Uow,
    commit: SharedCommit,
) -> ShipmentState:
    report = handlers.Dispatch(
        body.dispatch_id,
        body.carrier,
        body.tracking_number,
        str(body.tracking_url) if body.tracking_url else None,
        tuple(body.lines),
    )
    recorded, status = await _call(
        commit.run(lambda: handlers.record_dispatch(caller, shipment_id, report, uow))
    )
    if not recorded:
        response.status_code = 200
    return ShipmentState(shipment_id=shipment_id, status=status, recorded=recorded)


@router.post("/shipments/{shipment_id}/delivery")
async def deliver(
    shipment_id: UUID, caller: Caller, uow: Uow, commit: SharedCommit
) -> ShipmentState:
    status = await _call(commit.run(lambda: handlers.record_delivery(caller, shipment_id, uow)))
    return ShipmentState(shipment_id=shipment_id, status=status)


@router.post("/shipments/{shipment_id}/exceptions", status_code=202)
async def exception(
    shipment_id: UUID, body: ExceptionBody, caller: Caller, response: Response, uow: Uow
) -> ShipmentState:
    key = f"report:{body.report_id}" if body.report_id else None
    recorded = await _call(
        handlers.report_exception(caller, shipment_id, body.code, body.message, uow, key)
    )
    if not recorded:
        response.status_code = 200
    status = "exception recorded" if recorded else "exception already recorded"
    return ShipmentState(shipment_id=shipment_id, status=status, recorded=recorded)


@router.get("/returns")
async def expected_returns(caller: Caller, uow: Uow) -> dict[str, object]:
    """Returns to expect: goods a customer is sending back to one of your locations."""
    return {"returns": await returns.expected_for(caller, uow)}


@router.post("/returns/{return_id}/receipt", status_code=201)
async def receive_return(
    return_id: UUID, body: ReturnReceipt, caller: Caller, response: Response, uow: Uow
) -> dict[str, object]:
    try:
        recorded = await _call(returns.receive(caller, return_id, body.lines, uow))
    except returns.ReturnNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    if not recorded:
        response.status_code = 200
    return {"return_id": return_id, "recorded": recorded}


@router.post("/returns", status_code=201)
async def unannounced_return(
    body: returns.UnannouncedReturn, caller: Caller, response: Response, uow: Uow
) -> dict[str, object]:
    """Goods a customer sent back that no one announced: name the shipment (its
    `reference`) or the channel's order name; sellable units go back to stock, damaged
    ones are written off, the order shows the return."""
    if body.shipment_reference is None and not body.order_name:
        raise HTTPException(422, "name the shipment_reference or the order_name")
    try:
        return_id, order_id, new = await _call(returns.receive_unannounced(caller, body, uow))
    except returns.ReturnUnclear as exc:
        raise HTTPException(404, str(exc)) from exc
    if not new:
        response.status_code = 200
    return {"return_id": return_id, "order_id": order_id, "recorded": new}


async def _call(work: Awaitable[T]) -> T:
    try:
        return await work
    except handlers.ShipmentNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except handlers.TrackingNumberTaken as exc:
        raise HTTPException(409, str(exc)) from exc
    except (DispatchError, handlers.DeliveryBeforeDispatch) as exc:
        raise HTTPException(422, str(exc)) from exc
