"""Outbound HTTP to 3PLs: create a fulfilment order (idempotently), cancel it, ask after it.

Exceptions::

    FulfillerError
    ├── FulfillerRejected      the 3PL said no (4xx other than 429): do not retry
    └── FulfillerUnavailable   timeout, connection failure, 429 or 5xx: retry later
"""

from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError

from services.shipping_bridge.fulfillers import Fulfillers
from services.shipping_bridge.fulfilment_order import fulfilment_order
from shared.events.fulfilment import ShipmentLine


class FulfillerError(Exception):
    """Any failure talking to a 3PL."""


class FulfillerRejected(FulfillerError):
    """The 3PL refused: retrying will not help."""


class FulfillerUnavailable(FulfillerError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ReportedParcel(BaseModel):
    dispatch_id: str = Field(min_length=1, max_length=64)
    carrier: str = Field(min_length=1, max_length=64)
    tracking_number: str = Field(min_length=1, max_length=64)
    tracking_url: str | None = Field(None, max_length=2000)
    lines: list[ShipmentLine] = Field(min_length=1)


class FulfilmentOrderState(BaseModel):
    """The 3PL's own view of a fulfilment order (fields beyond these are its business)."""

    status: str = Field(max_length=64)
    dispatches: list[ReportedParcel] = Field(default_factory=list, max_length=100)


class CancelAnswer(BaseModel):
    cancelled_lines: list[ShipmentLine] | None = Field(None, max_length=500)


class FulfillerClient:
    def __init__(self, http: httpx.AsyncClient, fulfillers: Fulfillers) -> None:
        self._http = http
        self._fulfillers = fulfillers

    def lease_seconds(self) -> float:
        return self._fulfillers.lease_seconds()

    async def create_fulfilment_order(self, shipment: dict[str, Any]) -> str:
        """The 3PL's id for the order. The shipment id is the idempotency key, so a retry
        after a lost response never creates a second fulfilment order."""
        body = fulfilment_order(dict(shipment))
        key = {"Idempotency-Key": str(shipment["shipment_id"])}
        fulfiller, response = await self._call(shipment, "POST", "", json=body, headers=key)
        return _fulfiller_ref(fulfiller, response)

    async def cancel_fulfilment_order(self, shipment: dict[str, Any]) -> list[ShipmentLine] | None:
        """What the 3PL called off (`cancelled_lines`: what had not left yet), or None when
        its answer does not say (the whole order). Raises FulfillerRejected when the 3PL
        will not cancel (409: everything left)."""
        path = f"/{shipment['fulfiller_ref']}/cancel"
        fulfiller, response = await self._call(shipment, "POST", path)
        _raise_for_status(fulfiller, response)
        try:
            answer = CancelAnswer.model_validate_json(response.content or b"{}")
        except ValidationError as exc:
            raise FulfillerUnavailable(f"{fulfiller}: unreadable cancel answer: {exc}") from exc
        return answer.cancelled_lines

    async def fulfilment_order(self, shipment: dict[str, Any]) -> FulfilmentOrderState:
        """What the 3PL says of the order now: its status and every parcel it shipped."""
        fulfiller, response = await self._call(shipment, "GET", f"/{shipment['fulfiller_ref']}")
        _raise_for_status(fulfiller, response)
        try:
            return FulfilmentOrderState.model_validate_json(response.content)
        except ValidationError as exc:
            raise FulfillerUnavailable(f"{fulfiller}: unreadable status: {exc}") from exc

    async def _call(
        self,
        shipment: dict[str, Any],
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[str, httpx.Response]:
        """One call to the shipment's 3PL under its fulfilment-orders resource, with its
        key and its timeout; a transport failure is FulfillerUnavailable."""
        config = self._fulfillers.get(shipment["fulfiller"])
        if config is None:
            raise FulfillerRejected(f"no fulfiller {shipment['fulfiller']!r} is configured")
        auth = {"Authorization": f"Bearer {self._fulfillers.api_key(config.id)}"}
        try:
            response = await self._http.request(
                method,
                f"{config.base_url}/v1/fulfillment-orders{path}",
                json=json,
                headers={**auth, **(headers or {})},
                timeout=config.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise FulfillerUnavailable(f"{config.id}: {type(exc).__name__}: {exc}") from exc
        return config.id, response


def _raise_for_status(fulfiller: str, response: httpx.Response) -> None:
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = response.headers.get("retry-after")
        raise FulfillerUnavailable(
            f"{fulfiller}: HTTP {response.status_code}",
            float(retry_after) if retry_after and retry_after.isdigit() else None,
        )
    if response.status_code >= 400:
        raise FulfillerRejected(f"{fulfiller}: HTTP {response.status_code}: {response.text[:500]}")


def _fulfiller_ref(fulfiller: str, response: httpx.Response) -> str:
    _raise_for_status(fulfiller, response)
    try:
        return str(response.json()["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise FulfillerUnavailable(
            f"{fulfiller}: unreadable answer: {response.text[:200]}"
        ) from exc
