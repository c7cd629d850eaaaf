"""Use cases of the shipping-bridge: take a shipment request; record what a 3PL reports."""

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from services.shipping_bridge import repository
from services.shipping_bridge.domain import (
    DISPATCHED,
    FINAL,
    DispatchError,
    ShipmentStatus,
    check_dispatch,
    later,
    totals,
)
from services.shipping_bridge.sender import identity
from shared.db import UnitOfWork
from shared.events.fulfilment import (
    ShipmentCancellationFailed,
    ShipmentCancellationRequested,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentExceptionReported,
    ShipmentLine,
    ShipmentRequested,
)

ACCEPT_REQUEST = "shipping-bridge.accept-request"


class ShipmentNotFound(LookupError):
    """No such shipment for this 3PL (another 3PL's shipment is not found, by design)."""


@dataclass(frozen=True)
class Dispatch:
    dispatch_id: str
    carrier: str
    tracking_number: str
    tracking_url: str | None
    lines: tuple[ShipmentLine, ...]


async def accept_request(request: ShipmentRequested, uow: UnitOfWork) -> None:
    """Store the shipment; the sender takes it from there (woken by NOTIFY)."""
    async with uow:
        if await uow.inbox.claim(ACCEPT_REQUEST, request.event_id):
            await repository.insert_shipment(uow.connection, request)
            await uow.commit()


async def _locked(uow: UnitOfWork, fulfiller: str, shipment_id: UUID) -> dict[str, Any]:
    shipment = await repository.lock_for(uow.connection, shipment_id, fulfiller)
    if shipment is None:
        raise ShipmentNotFound(f"no shipment {shipment_id} for {fulfiller}")
    return shipment


async def _advance(uow: UnitOfWork, shipment: dict[str, Any], target: ShipmentStatus) -> str:
    status = later(ShipmentStatus(shipment["status"]), target)
    if status != shipment["status"]:
        await repository.set_status(uow.connection, shipment["shipment_id"], status)
    return status.value


async def acknowledge(fulfiller: str, shipment_id: UUID, uow: UnitOfWork) -> str:
    async with uow:
        shipment = await _locked(uow, fulfiller, shipment_id)
        status = await _advance(uow, shipment, ShipmentStatus.ACKNOWLEDGED)
        await uow.commit()
        return status


async def record_dispatch(
    fulfiller: str, shipment_id: UUID, dispatch: Dispatch, uow: UnitOfWork
) -> tuple[bool, str]:
    """(recorded, status); recorded is False for a repeated report of the same parcel."""
    async with uow:
        shipment = await _locked(uow, fulfiller, shipment_id)
        recorded = await take_dispatch(uow, fulfiller, shipment, dispatch)
        if recorded:
            await uow.commit()
        return recorded, shipment["status"]


async def take_dispatch(
    uow: UnitOfWork, fulfiller: str, shipment: dict[str, Any], dispatch: Dispatch
) -> bool:
    """One parcel of a shipment locked in this transaction; False when it was had
    already. The shipment's status in `shipment` follows."""
    shipment_id = shipment["shipment_id"]
    if ShipmentStatus(shipment["status"]) in FINAL:
        raise DispatchError(f"shipment {shipment_id} is {shipment['status']}: do not ship it")
    shipped: dict[str, int] = {}
    for earlier in await repository.dispatches_of(uow.connection, shipment_id):
        for sku, quantity in earlier["lines"].items():
            shipped[sku] = shipped.get(sku, 0) + quantity
    await _own_tracking_number(uow, fulfiller, dispatch.tracking_number)
    parcel = totals(dispatch.lines)
    report = {**dispatch.__dict__, "lines": parcel}
    if not await repository.insert_dispatch(uow.connection, shipment_id, report):
        return False
    complete = check_dispatch(shipment["lines"], shipped, parcel)
    target = ShipmentStatus.DISPATCHED if complete else ShipmentStatus.PARTIALLY_DISPATCHED
    shipment["status"] = await _advance(uow, shipment, target)
    event = ShipmentDispatched(
        location=shipment["location"],
        dispatch_id=dispatch.dispatch_id,
        carrier=dispatch.carrier,
        tracking_number=dispatch.tracking_number,
        tracking_url=dispatch.tracking_url,
        lines=tuple(ShipmentLine(sku=s, quantity=q) for s, q in sorted(parcel.items())),
        complete=complete,
        **identity(shipment),
    )
    await uow.outbox.add(event, key=str(shipment["order_id"]))
    return True


async def record_delivery(fulfiller: str, shipment_id: UUID, uow: UnitOfWork) -> str:
    async with uow:
        shipment = await _locked(uow, fulfiller, shipment_id)
        if shipment["status"] == ShipmentStatus.DELIVERED:
            return str(shipment["status"])
        if shipment["status"] != ShipmentStatus.DISPATCHED:
            raise DeliveryBeforeDispatch(
                f"shipment {shipment_id} is {shipment['status']}: deliver after dispatching it all"
            )
        status = await _advance(uow, shipment, ShipmentStatus.DELIVERED)
        await uow.outbox.add(ShipmentDelivered(**identity(shipment)), key=str(shipment["order_id"]))
        await uow.commit()
        return status


class DeliveryBeforeDispatch(ValueError):
    """A delivery report for a shipment not (wholly) dispatched yet."""


class TrackingNumberTaken(DispatchError):
    """The tracking number is already another 3PL's parcel."""


async def _own_tracking_number(uow: UnitOfWork, fulfiller: str, tracking_number: str) -> None:
    """A 3PL cannot claim another's tracking number (tracking updates would then land on
    its parcel); the lock makes two 3PLs reporting one number at once take turns."""
    conn = uow.connection
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"tracking:{tracking_number}")
    owner = await repository.tracking_owner(conn, tracking_number)
    if owner is not None and owner != fulfiller:
        raise TrackingNumberTaken(f"tracking number {tracking_number} belongs to another parcel")


async def report_exception(
    fulfiller: str,
    shipment_id: UUID,
    code: str,
    message: str,
    uow: UnitOfWork,
    report_key: str | None = None,
) -> bool:
    """True when recorded; False for a report already had (the same key: a retry or a
    replay). Without a key of the sender's, the report is its code and message."""
    key = report_key or "content:" + hashlib.sha256(f"{code}|{message}".encode()).hexdigest()
    async with uow:
        shipment = await _locked(uow, fulfiller, shipment_id)
        if not await repository.claim_exception(uow.connection, shipment_id, key):
            return False
        event = ShipmentExceptionReported(code=code, message=message, **identity(shipment))
        await uow.outbox.add(event, key=str(shipment["order_id"]))
        await uow.commit()
        return True


REQUEST_CANCELLATION = ACCEPT_REQUEST  # one consumer for the topic, so requests stay in order


async def request_cancellation(command: ShipmentCancellationRequested, uow: UnitOfWork) -> None:
    """Called off locally or at the 3PL (by the sender), or refused if already dispatched."""
    async with uow:
        if not await uow.inbox.claim(REQUEST_CANCELLATION, command.event_id):
            return
        shipment = await repository.lock(uow.connection, command.shipment_id)
        if shipment is None:
            raise LookupError(f"cancellation of unknown shipment {command.shipment_id}")
        status = ShipmentStatus(shipment["status"])
        key = str(shipment["order_id"])
        if status in DISPATCHED and status is not ShipmentStatus.PARTIALLY_DISPATCHED:
            # Everything left. What is still at the 3PL of a partly shipped one can be
            # called off: the sender asks, the 3PL says what it stopped.
            failed = ShipmentCancellationFailed(
                reason=f"already {status.value}", **identity(shipment)
            )
            await uow.outbox.add(failed, key=key)
        elif status in FINAL:
            await uow.outbox.add(ShipmentCancelled(**identity(shipment)), key=key)
        else:
            await repository.request_cancel(uow.connection, command.shipment_id)
        await uow.commit()
