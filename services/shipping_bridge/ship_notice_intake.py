"""Use case: an 856 a 3PL sent becomes the dispatches it reports — all of them or none
(one transaction), each parcel once however often the notice comes again."""

from typing import Any

from services.shipping_bridge import edi_repository, handlers, repository
from services.shipping_bridge.domain import DispatchError
from services.shipping_bridge.ship_notices import NoticeFault, NoticeOrder, Parcel, ShipNotice
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentLine
from shared.x12 import codes
from shared.x12.codes import Fault


async def record_notice(fulfiller: str, notice: ShipNotice, uow: UnitOfWork) -> int:
    """Parcels recorded (0 when every one was had already)."""
    recorded = 0
    async with uow:
        for order in notice.orders:
            shipment = await _shipment_for(uow, fulfiller, order)
            for parcel in order.parcels:
                dispatch = _dispatch(notice, parcel)
                try:
                    recorded += await handlers.take_dispatch(uow, fulfiller, shipment, dispatch)
                except DispatchError as exc:
                    reason = f"purchase order {order.po_number}: {exc}"
                    raise NoticeFault(
                        Fault(reason, segment="HL", position=parcel.position)
                    ) from exc
        await uow.commit()
    return recorded


def _dispatch(notice: ShipNotice, parcel: Parcel) -> handlers.Dispatch:
    lines = tuple(ShipmentLine(sku=s, quantity=q) for s, q in sorted(parcel.lines.items()))
    return handlers.Dispatch(
        dispatch_id=f"856:{notice.notice_id}:{parcel.key}",
        carrier=notice.carrier or "",
        tracking_number=parcel.tracking_number or "",
        tracking_url=None,
        lines=lines,
    )


async def _shipment_for(uow: UnitOfWork, fulfiller: str, order: NoticeOrder) -> dict[str, Any]:
    """The shipment of this 3PL's the order level is about: the one under that name, or,
    when one order went out as several shipments, the one with room for what shipped."""
    found = await edi_repository.lock_named(uow.connection, fulfiller, order.po_number)
    if len(found) > 1:
        found = [s for s in found if await _has_room(uow, s, order)] or found
    if len(found) == 1:
        return found[0]
    why = "no shipment of yours" if not found else "several shipments of yours"
    reason = f"PRF01 {order.po_number}: {why} under that purchase order"
    fault = Fault(
        reason,
        segment="PRF",
        position=order.position,
        element=1,
        element_code=codes.ELEMENT_INVALID_CODE,
        bad_value=order.po_number,
    )
    raise NoticeFault(fault)


async def _has_room(uow: UnitOfWork, shipment: dict[str, Any], order: NoticeOrder) -> bool:
    left = dict(shipment["lines"])
    for earlier in await repository.dispatches_of(uow.connection, shipment["shipment_id"]):
        for sku, quantity in earlier["lines"].items():
            left[sku] = left.get(sku, 0) - quantity
    wanted: dict[str, int] = {}
    for parcel in order.parcels:
        for sku, quantity in parcel.lines.items():
            wanted[sku] = wanted.get(sku, 0) + quantity
    return all(left.get(sku, 0) >= quantity for sku, quantity in wanted.items())
