"""Sends pending shipments to their 3PLs: the outbox pattern, with HTTP on the far side.

A shipment is stored by the transaction that consumed its request; this loop then
delivers it at least once (the 3PL dedupes on the idempotency key), with exponential
backoff on failures and a circuit breaker per 3PL. Outcomes are recorded with their
events in one transaction each. It wakes on the shipments table's NOTIFY, and polls.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import structlog

from services.shipping_bridge import repository
from services.shipping_bridge.breaker import CircuitBreaker
from services.shipping_bridge.client import FulfillerClient, FulfillerRejected, FulfillerUnavailable
from services.shipping_bridge.domain import (
    FINAL,
    ShipmentStatus,
    closed_short,
    remainder_of,
    totals,
)
from shared.db import UnitOfWork
from shared.drain import DrainLoop, backoff
from shared.events.envelope import Event
from shared.events.fulfilment import (
    ShipmentCancellationFailed,
    ShipmentCancelled,
    ShipmentLine,
    ShipmentRefused,
    ShipmentSentToFulfiller,
)

log = structlog.get_logger(__name__)

BATCH = 20


class ShipmentSender(DrainLoop):
    def __init__(
        self,
        pool: Any,
        dsn: str,
        uow_factory: Callable[[], UnitOfWork],
        client: FulfillerClient,
        base_backoff: float = 0.5,
        poll_seconds: float = 1.0,
    ) -> None:
        super().__init__(dsn, "shipping_bridge_shipments", poll_seconds)
        self._pool = pool
        self._uow = uow_factory
        self._client = client
        self._base_backoff = base_backoff
        self.breakers: dict[str, CircuitBreaker] = defaultdict(CircuitBreaker)

    async def drain(self) -> int:
        return await self.send_due(BATCH)

    def batch_was_full(self, handled: int) -> bool:
        return handled >= BATCH

    async def send_due(self, limit: int = BATCH) -> int:

        async with self._pool.acquire() as conn:
            due = await repository.claim_due(conn, limit, self._client.lease_seconds())
        await asyncio.gather(*(self._send(dict(shipment)) for shipment in due))
        return len(due)

    async def _send(self, shipment: dict[str, Any]) -> None:
        breaker = self.breakers[shipment["fulfiller"]]
        wait = breaker.wait_seconds()
        if wait:
            await self._retry(shipment, f"circuit open for {shipment['fulfiller']}", wait, False)
            return
        if shipment["status"] == "cancelling":
            await self._cancel(shipment, breaker)
            return
        try:
            ref = await self._client.create_fulfilment_order(shipment)
        except FulfillerRejected as exc:
            breaker.succeeded()  # the 3PL answered: it is up
            await self._refused(shipment, str(exc))
        except FulfillerUnavailable as exc:
            breaker.failed()
            delay = exc.retry_after or backoff(shipment["attempts"], self._base_backoff)
            await self._retry(shipment, str(exc), delay, True)
        else:
            breaker.succeeded()
            await self._sent(shipment, ref)

    async def _cancel(self, shipment: dict[str, Any], breaker: CircuitBreaker) -> None:
        """Call a shipment off: locally if the 3PL never got it, else at the 3PL.

        A create that timed out may still have reached the 3PL: not knowing is not
        "never got it". Such a shipment is created again under its idempotency key (the
        3PL answers with the order it already has, if any) and then cancelled there.
        """
        called_off = None
        try:
            ref = await self._known_ref(shipment)
            if ref is not None:
                called_off = await self._client.cancel_fulfilment_order(
                    {**shipment, "fulfiller_ref": ref}
                )
        except FulfillerRejected as exc:
            breaker.succeeded()
            failed = ShipmentCancellationFailed(reason=str(exc), **identity(shipment))
            await self._record(shipment, "acknowledged", failed)
            return
        except FulfillerUnavailable as exc:
            breaker.failed()
            delay = exc.retry_after or backoff(shipment["attempts"], self._base_backoff)
            await self._retry(shipment, str(exc), delay, True)
            return
        breaker.succeeded()
        left = remainder_of(shipment["lines"], called_off)
        if left is None:
            await self._record(shipment, "cancelled", ShipmentCancelled(**identity(shipment)))
        else:
            await self._closed_short(shipment, left)

    async def _closed_short(self, shipment: dict[str, Any], called_off: dict[str, int]) -> None:
        """Part had left: the shipment is what left, and only the rest is called off."""
        async with self._uow() as uow:
            conn, shipment_id = uow.connection, shipment["shipment_id"]
            now = await repository.lock(conn, shipment_id)
            if now is None or ShipmentStatus(now["status"]) in FINAL:
                return
            parcels = await repository.dispatches_of(conn, shipment_id)
            shipped = totals(
                ShipmentLine(sku=s, quantity=q) for p in parcels for s, q in p["lines"].items()
            )
            lines, status = closed_short(now["lines"], shipped, called_off)
            await repository.close_short(conn, shipment_id, lines, status)
            remainder = tuple(
                ShipmentLine(sku=s, quantity=q) for s, q in sorted(called_off.items())
            )
            event = ShipmentCancelled(remainder=remainder, **identity(shipment))
            await uow.outbox.add(event, key=str(shipment["order_id"]))
            await uow.commit()

    async def _known_ref(self, shipment: dict[str, Any]) -> str | None:
        if shipment["fulfiller_ref"] is not None or not shipment["attempts"]:
            return shipment["fulfiller_ref"]  # type: ignore[no-any-return]
        try:
            return await self._client.create_fulfilment_order(shipment)
        except FulfillerRejected:
            return None  # the 3PL refuses the order: it does not have it

    async def _record(self, shipment: dict[str, Any], status: str, event: Event) -> None:
        """The cancellation's outcome, if the shipment is still being cancelled; a 3PL
        that reported a dispatch meanwhile has the last word (the goods left)."""
        async with self._uow() as uow:
            moved = await repository.set_status_if(
                uow.connection, shipment["shipment_id"], "cancelling", status
            )
            if not moved and isinstance(event, ShipmentCancelled):
                reason = "the 3PL dispatched the shipment before the cancellation took"
                event = ShipmentCancellationFailed(reason=reason, **identity(shipment))
            await uow.outbox.add(event, key=str(shipment["order_id"]))
            await uow.commit()

    async def _retry(
        self, shipment: dict[str, Any], error: str, delay: float, counted: bool
    ) -> None:
        log.warning("shipment not delivered to 3PL; will retry", error=error, delay=round(delay, 2))
        async with self._pool.acquire() as conn:
            await repository.schedule_retry(conn, shipment["shipment_id"], error, delay, counted)

    async def _sent(self, shipment: dict[str, Any], ref: str) -> None:
        async with self._uow() as uow:
            await repository.mark_sent(uow.connection, shipment["shipment_id"], ref)
            event = ShipmentSentToFulfiller(
                fulfiller=shipment["fulfiller"], fulfiller_ref=ref, **identity(shipment)
            )
            await uow.outbox.add(event, key=str(shipment["order_id"]))
            await uow.commit()

    async def _refused(self, shipment: dict[str, Any], reason: str) -> None:
        async with self._uow() as uow:
            await repository.mark_refused(uow.connection, shipment["shipment_id"], reason)
            event = ShipmentRefused(
                fulfiller=shipment["fulfiller"], reason=reason, **identity(shipment)
            )
            await uow.outbox.add(event, key=str(shipment["order_id"]))
            await uow.commit()


def identity(shipment: dict[str, Any]) -> dict[str, Any]:
    """The fields every shipment event carries, from the stored shipment."""
    return {
        "correlation_id": shipment["correlation_id"],
        "shipment_id": shipment["shipment_id"],
        "order_id": shipment["order_id"],
        "channel": shipment["channel"],
        "channel_order_ref": shipment["channel_order_ref"],
    }
