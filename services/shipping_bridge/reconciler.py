"""Shipments whose 3PL went quiet are asked after: a callback lost while the bridge was
down (or lost on the way, after the 3PL's own retries) is recovered from the 3PL's
status API, so goods that left are never missing from the books and the stock.

Each round takes the shipments at a 3PL that have not moved for `quiet_seconds` and
asks their 3PL; every parcel it reports is recorded exactly as its callback would have
been (once per dispatch id, so a late callback changes nothing), and a delivery too.
"""

from collections.abc import Callable
from typing import Any

import structlog

from services.shipping_bridge import handlers, repository
from services.shipping_bridge.client import (
    FulfillerClient,
    FulfillerError,
    FulfilmentOrderState,
)
from services.shipping_bridge.domain import DispatchError
from shared.db import UnitOfWork
from shared.periodic import Periodic

log = structlog.get_logger(__name__)

BATCH = 50


class QuietShipmentReconciler(Periodic):
    def __init__(
        self,
        pool: Any,
        uow_factory: Callable[[], UnitOfWork],
        client: FulfillerClient,
        quiet_seconds: float,
    ) -> None:
        super().__init__("shipping-bridge-reconcile")
        self._pool = pool
        self._uow = uow_factory
        self._client = client
        self._quiet = quiet_seconds

    async def round(self) -> float:
        async with self._pool.acquire() as conn:
            quiet = await repository.claim_quiet(conn, self._quiet, BATCH)
        for shipment in quiet:
            await self._ask(dict(shipment))
        return 0.0 if len(quiet) == BATCH else min(self._quiet / 2, 60.0)

    async def _ask(self, shipment: dict[str, Any]) -> None:
        try:
            state = await self._client.fulfilment_order(shipment)
        except FulfillerError as exc:  # asked again after the next quiet spell
            log.warning("3PL not asked after a quiet shipment", error=str(exc))
            return
        recovered = await catch_up(shipment, state, self._uow)
        if recovered:
            log.info("recovered what a 3PL had not reported", reports=recovered)


async def catch_up(
    shipment: dict[str, Any], state: FulfilmentOrderState, uow: Callable[[], UnitOfWork]
) -> int:
    """Records what the 3PL reports and the bridge lacks; how many reports were new."""
    fulfiller, shipment_id = shipment["fulfiller"], shipment["shipment_id"]
    recovered = 0
    for parcel in state.dispatches:
        dispatch = handlers.Dispatch(
            parcel.dispatch_id,
            parcel.carrier,
            parcel.tracking_number,
            parcel.tracking_url,
            tuple(parcel.lines),
        )
        try:
            recorded, _ = await handlers.record_dispatch(fulfiller, shipment_id, dispatch, uow())
        except DispatchError as exc:  # the same refusal its callback would have met
            log.warning("3PL reports a parcel the shipment cannot take", error=str(exc))
            continue
        recovered += recorded
    if state.status == "delivered" and shipment["status"] != "delivered":
        try:
            await handlers.record_delivery(fulfiller, shipment_id, uow())
            recovered += 1
        except handlers.DeliveryBeforeDispatch as exc:
            log.warning("3PL reports a delivery of parcels it never listed", error=str(exc))
    return recovered
