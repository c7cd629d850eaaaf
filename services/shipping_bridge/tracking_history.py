"""Use case: a tracking platform's word on a parcel (EasyPost `tracker.updated`) becomes
its tracking history: every status, as ShipmentTrackingUpdated, for the order's timeline
and the channel — never an older scan over a newer one (the tracker's own times).

The Tracker object as EasyPost documents it (docs.easypost.com, Trackers: `status`,
`status_detail`, `updated_at`, `est_delivery_date`, `tracking_details[]` each with
`message`, `status`, `datetime` and a `tracking_location` of city, state, country, zip).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.shipping_bridge import repository
from services.shipping_bridge.sender import identity
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentTrackingUpdated


def _time(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def scan_of(tracker: dict[str, Any]) -> dict[str, Any] | None:
    """The tracker's latest word: status, message, where and when (None: no time given)."""
    details = [d for d in tracker.get("tracking_details") or [] if _time(d.get("datetime"))]
    latest: dict[str, Any] = max(
        details, key=lambda d: _time(d["datetime"]) or datetime.min.replace(tzinfo=UTC), default={}
    )
    when = _time(latest.get("datetime")) or _time(tracker.get("updated_at"))
    if when is None:
        return None
    where = latest.get("tracking_location") or {}
    return {
        "status": str(tracker.get("status") or "unknown"),
        "status_detail": tracker.get("status_detail"),
        "message": (str(latest["message"])[:500] if latest.get("message") else None),
        "happened_at": when,
        "city": where.get("city"),
        "region": where.get("state"),
        "country": where.get("country"),
        "postal_code": where.get("zip"),
        "estimated_delivery": _time(tracker.get("est_delivery_date")),
        "carrier": tracker.get("carrier"),
    }


async def record_scan(
    shipment_id: UUID, tracking_number: str, scan: dict[str, Any], units: Callable[[], UnitOfWork]
) -> bool:
    """True when the scan is news (newer than the last), published in one transaction."""
    async with units() as uow:
        shipment = await repository.lock(uow.connection, shipment_id)
        if shipment is None:
            return False
        conn = uow.connection
        if not await repository.take_tracker_state(
            conn, tracking_number, scan["happened_at"], scan["status"]
        ):
            return False
        event = ShipmentTrackingUpdated(
            tracking_number=tracking_number, **scan, **identity(shipment)
        )
        await uow.outbox.add(event, key=str(shipment["order_id"]))
        await uow.commit()
        return True
