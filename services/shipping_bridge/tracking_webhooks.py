"""Tracking pushed by shipping platforms, in their documented webhook formats.

ShipStation `SHIP_NOTIFY` carries only a `resource_url`: the shipments are fetched
through the configured ShipStation API, never from whatever URL a request names (see
`shipstation`), and matched to our shipments by our id or by the store's own order.

EasyPost `tracker.updated` is signed: `X-Hmac-Signature: hmac-sha256-hex=<hex>` over the
raw body with the webhook secret; the tracker's `tracking_code` names the parcel. Every
status becomes tracking history (see `tracking_history`); delivered also delivers the
shipment, a failure is also an exception.
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, SecretStr, ValidationError

from services.shipping_bridge import handlers, repository, tracking_history
from services.shipping_bridge import shipstation as shipstation_api
from services.shipping_bridge.domain import DispatchError
from services.shipping_bridge.shipstation import ShipStationSettings
from shared.bounded import InputRejected, json_loads
from shared.db import UnitOfWork
from shared.deps import UowFactory
from shared.events.fulfilment import ShipmentLine

EASYPOST_FAILURES = {"failure", "return_to_sender", "error", "cancelled"}


class ShipNotify(BaseModel):
    resource_url: str
    resource_type: str


@dataclass(frozen=True)
class TrackingDoors:
    """What the shipping platforms' webhooks need from the running bridge."""

    shipstation: ShipStationSettings | None
    easypost_secret: SecretStr | None
    http: Callable[[], httpx.AsyncClient]  # the bridge's client, once it has started


async def tracking_doors(request: Request) -> TrackingDoors:
    doors: TrackingDoors = request.app.state.tracking
    return doors


Doors = Annotated[TrackingDoors, Depends(tracking_doors)]
router = APIRouter(prefix="/webhooks", tags=["shipping platforms"])


@router.post("/shipstation")
async def shipstation_notify(
    request: Request, doors: Doors, units: UowFactory, token: str = ""
) -> dict[str, Any]:
    shipstation = doors.shipstation
    if shipstation is None:
        raise HTTPException(404, "ShipStation is not configured")
    if not hmac.compare_digest(token.encode(), shipstation.token.get_secret_value().encode()):
        raise HTTPException(401, "webhook token missing or wrong")
    notice = _parse(await request.body(), ShipNotify)
    if notice.resource_type != "SHIP_NOTIFY":
        return {"status": "ignored", "reason": f"{notice.resource_type} is not handled"}
    url = shipstation_api.fetch_url(notice.resource_url, shipstation)
    if url is None:
        raise HTTPException(400, "resource_url must point at the configured ShipStation API")
    shipments = await shipstation_api.fetch_shipments(doors.http(), url, shipstation)
    return await _record_shipstation(shipments, shipstation, units)


@router.post("/easypost")
async def easypost_event(request: Request, doors: Doors, units: UowFactory) -> dict[str, Any]:
    if doors.easypost_secret is None:
        raise HTTPException(404, "EasyPost is not configured")
    body = await request.body()
    key = doors.easypost_secret.get_secret_value().encode()
    expected = "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    signature = request.headers.get("x-hmac-signature", "")
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise HTTPException(401, "X-Hmac-Signature missing or wrong")
    event = _parse(body, dict)
    if event.get("description") != "tracker.updated":
        return {"status": "ignored", "reason": f"{event.get('description')!r} is not handled"}
    return await _record_easypost(event, units)


def _parse(body: bytes, model: Any) -> Any:
    try:
        data = json_loads(body)
        return model.model_validate(data) if model is not dict else dict(data)
    except (InputRejected, ValidationError, TypeError, ValueError) as exc:
        raise HTTPException(400, f"not a valid webhook body: {exc}") from exc


async def _record_shipstation(
    shipments: list[dict[str, Any]],
    settings: ShipStationSettings,
    uow_factory: Callable[[], UnitOfWork],
) -> dict[str, Any]:
    recorded, skipped = 0, []
    for shipment in shipments:
        label = str(shipment.get("shipmentId"))
        if shipment.get("voided"):
            skipped.append(f"{label}: voided label")
            continue
        items = shipment.get("shipmentItems")
        if not items:  # never an empty parcel: the items were asked for and not given
            skipped.append(f"{label}: ShipStation gave no shipment items")
            continue
        matched = await shipstation_api.match(uow_factory(), shipment, settings)
        if matched.shipment_id is None:
            skipped.append(f"{label}: {matched.reason}")
            continue
        dispatch = handlers.Dispatch(
            label,
            str(shipment.get("carrierCode") or "unknown"),
            str(shipment["trackingNumber"]),
            None,
            tuple(ShipmentLine(sku=i["sku"], quantity=i["quantity"]) for i in items),
        )
        try:
            done, _ = await handlers.record_dispatch(
                settings.fulfiller, matched.shipment_id, dispatch, uow_factory()
            )
        except (handlers.ShipmentNotFound, DispatchError) as exc:
            skipped.append(f"{label}: {exc}")
            continue
        recorded += int(done)
    return {"status": "processed", "recorded": recorded, "skipped": skipped}


async def _record_easypost(
    event: dict[str, Any], uow_factory: Callable[[], UnitOfWork]
) -> dict[str, Any]:
    tracker = event.get("result") or {}
    code = str(tracker.get("tracking_code") or "")
    async with uow_factory() as uow:
        found = await repository.by_tracking_number(uow.connection, code)
    if found is None:
        return {"status": "ignored", "reason": f"no parcel with tracking code {code!r}"}
    shipment_id, fulfiller = found
    status = tracker.get("status")
    scan = tracking_history.scan_of(tracker)
    if scan is None:
        return {"status": "ignored", "reason": "the tracker gives no time (updated_at)"}
    if not await tracking_history.record_scan(shipment_id, code, scan, uow_factory):
        return {"status": "ignored", "reason": "not newer than the scan already taken"}
    try:
        if status == "delivered":
            await handlers.record_delivery(fulfiller, shipment_id, uow_factory())
        elif status in EASYPOST_FAILURES:
            # EasyPost's event id names the report: a replayed webhook counts once.
            key = f"easypost:{event.get('id') or tracker.get('updated_at')}:{status}"
            await handlers.report_exception(
                fulfiller, shipment_id, str(status), f"EasyPost: {status}", uow_factory(), key
            )
    except handlers.DeliveryBeforeDispatch as exc:
        return {"status": "ignored", "reason": str(exc)}
    return {"status": "recorded", "shipment_id": str(shipment_id), "tracking_status": status}
