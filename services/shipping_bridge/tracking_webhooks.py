"""Tracking pushed by shipping platforms, in their documented webhook formats.

ShipStation `SHIP_NOTIFY` carries only a `resource_url`: the shipments are fetched from
the ShipStation API with our credentials — and only from the configured API host, never
from whatever URL a request names (that would let anyone make the hub call anywhere).
Each ShipStation shipment's `orderKey` is the Crossdock shipment id it was created with.

EasyPost `tracker.updated` is signed: `X-Hmac-Signature: hmac-sha256-hex=<hex>` over the
raw body with the webhook secret; the tracker's `tracking_code` names the parcel.
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, SecretStr, ValidationError

from services.shipping_bridge import handlers, repository
from services.shipping_bridge.domain import DispatchError
from shared.bounded import InputRejected, json_loads
from shared.db import UnitOfWork
from shared.deps import UowFactory
from shared.events.fulfilment import ShipmentLine

EASYPOST_FAILURES = {"failure", "return_to_sender", "error", "cancelled"}


class ShipStationSettings(BaseModel):
    api_url: str
    api_key: SecretStr
    api_secret: SecretStr
    fulfiller: str
    token: SecretStr


class ShipNotify(BaseModel):
    resource_url: str
    resource_type: str


@dataclass(frozen=True)
class TrackingDoors:
    """What the shipping platforms' webhooks need from the running bridge."""

    shipstation: ShipStationSettings | None
    easypost_secret: SecretStr | None
    http: Callable[[], httpx.AsyncClient]  # the bridge's client, once it has started


def tracking_doors(request: Request) -> TrackingDoors:
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
    if not _same_origin(notice.resource_url, shipstation.api_url):
        raise HTTPException(400, "resource_url must point at the configured ShipStation API")
    shipments = await _fetch(doors.http(), notice.resource_url, shipstation)
    return await _record_shipstation(shipments, shipstation.fulfiller, units)


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


def _same_origin(url: str, api_url: str) -> bool:
    given, allowed = urlsplit(url), urlsplit(api_url)
    return (given.scheme, given.netloc) == (allowed.scheme, allowed.netloc)


async def _fetch(
    client: httpx.AsyncClient, url: str, settings: ShipStationSettings
) -> list[dict[str, Any]]:
    try:
        response = await client.get(
            url,
            auth=(settings.api_key.get_secret_value(), settings.api_secret.get_secret_value()),
            timeout=10,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise HTTPException(502, f"ShipStation API unreachable: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise HTTPException(502, f"ShipStation API answered {response.status_code}")
    return list(response.json().get("shipments") or [])


async def _record_shipstation(
    shipments: list[dict[str, Any]], fulfiller: str, uow_factory: Callable[[], UnitOfWork]
) -> dict[str, Any]:
    recorded, skipped = 0, []
    for shipment in shipments:
        try:
            shipment_id = UUID(str(shipment.get("orderKey")))
        except ValueError:
            skipped.append(f"{shipment.get('orderKey')}: not a Crossdock shipment")
            continue
        if shipment.get("voided"):
            skipped.append(f"{shipment_id}: voided label")
            continue
        lines = tuple(
            ShipmentLine(sku=item["sku"], quantity=item["quantity"])
            for item in shipment.get("shipmentItems") or []
        )
        dispatch = handlers.Dispatch(
            str(shipment["shipmentId"]),
            str(shipment.get("carrierCode") or "unknown"),
            str(shipment["trackingNumber"]),
            None,
            lines,
        )
        try:
            done, _ = await handlers.record_dispatch(
                fulfiller, shipment_id, dispatch, uow_factory()
            )
        except (handlers.ShipmentNotFound, DispatchError) as exc:
            skipped.append(f"{shipment_id}: {exc}")
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
    try:
        if status == "delivered":
            await handlers.record_delivery(fulfiller, shipment_id, uow_factory())
        elif status in EASYPOST_FAILURES:
            # EasyPost's event id names the report: a replayed webhook counts once.
            key = f"easypost:{event.get('id') or tracker.get('updated_at')}:{status}"
            await handlers.report_exception(
                fulfiller, shipment_id, str(status), f"EasyPost: {status}", uow_factory(), key
            )
        else:
            return {"status": "ignored", "reason": f"status {status!r} changes nothing"}
    except handlers.DeliveryBeforeDispatch as exc:
        return {"status": "ignored", "reason": str(exc)}
    return {"status": "recorded", "shipment_id": str(shipment_id), "tracking_status": status}
