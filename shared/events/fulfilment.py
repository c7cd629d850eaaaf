"""Events of the fulfilment context: shipments asked of 3PLs, and what the 3PLs did.

The order-router decides shipments (one per location an order is reserved at); the
shipping-bridge owns the conversation with each 3PL and reports it as facts.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events.addresses import Address, ShippingMethod
from shared.events.bounds import MAX_MINOR, MAX_QUANTITY, Sku
from shared.events.envelope import Event
from shared.events.money import CURRENCY_PATTERN


class ShipmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    quantity: int = Field(gt=0, le=MAX_QUANTITY)


class RequestedLine(ShipmentLine):
    """A line as the warehouse needs it: what to pick, what it is, and what it was sold
    for (the customs value of a parcel crossing a border)."""

    title: str | None = Field(None, max_length=255)
    unit_price_minor: int | None = Field(None, ge=0, le=MAX_MINOR)


class _ShipmentEvent(Event):
    shipment_id: UUID = Field(description="Crossdock shipment id, stable per order and location.")
    order_id: UUID
    channel: str
    channel_order_ref: str = Field(description="The platform's own order id.")


class ShipmentRequested(_ShipmentEvent):
    """The order-router asks for stock reserved at one location to be shipped."""

    event_type: Literal["ShipmentRequested"] = "ShipmentRequested"
    channel_order_name: str
    location: str
    fulfiller: str = Field(description="The 3PL (or system) that ships from this location.")
    lines: tuple[RequestedLine, ...]
    ship_to_country: str | None = None
    ship_to: Address | None = None
    shipping_method: ShippingMethod | None = None
    customer_note: str | None = Field(None, max_length=2000)
    currency: str | None = Field(None, pattern=CURRENCY_PATTERN, description="Of the prices.")
    ship_by: date | None = Field(None, description="The buyer's requested ship date.")
    deliver_by: date | None = Field(None, description="The buyer's requested delivery date.")


class ShipmentCancellationRequested(_ShipmentEvent):
    """The order-router asks for a shipment not yet dispatched to be called off."""

    event_type: Literal["ShipmentCancellationRequested"] = "ShipmentCancellationRequested"
    reason: str


class ShipmentCancelled(_ShipmentEvent):
    event_type: Literal["ShipmentCancelled"] = "ShipmentCancelled"
    remainder: tuple[ShipmentLine, ...] = Field(
        (),
        description="Part of it had left: only these units were called off (the rest ships)."
        " Empty: the whole shipment was.",
    )


class ShipmentCancellationFailed(_ShipmentEvent):
    """The 3PL could not call it off (already shipped): a return will be needed."""

    event_type: Literal["ShipmentCancellationFailed"] = "ShipmentCancellationFailed"
    reason: str


class ShipmentSentToFulfiller(_ShipmentEvent):
    event_type: Literal["ShipmentSentToFulfiller"] = "ShipmentSentToFulfiller"
    fulfiller: str
    fulfiller_ref: str = Field(description="The 3PL's own id for the fulfilment order.")


class ShipmentRefused(_ShipmentEvent):
    """The 3PL refused the shipment; the order needs re-routing or a person."""

    event_type: Literal["ShipmentRefused"] = "ShipmentRefused"
    fulfiller: str
    reason: str


class ShipmentDispatched(_ShipmentEvent):
    """Some or all of a shipment left the building with a carrier."""

    event_type: Literal["ShipmentDispatched"] = "ShipmentDispatched"
    location: str
    dispatch_id: str = Field(description="The 3PL's id of this parcel/dispatch.")
    carrier: str
    tracking_number: str
    tracking_url: str | None = None
    lines: tuple[ShipmentLine, ...]
    complete: bool = Field(description="True when the whole shipment has now left.")


class ShipmentDelivered(_ShipmentEvent):
    event_type: Literal["ShipmentDelivered"] = "ShipmentDelivered"


class ShipmentTrackingUpdated(_ShipmentEvent):
    """The carrier's word on a parcel, as a tracking platform reports it (EasyPost
    `tracker.updated`): every status, newest first never overtaken by an older one."""

    event_type: Literal["ShipmentTrackingUpdated"] = "ShipmentTrackingUpdated"
    tracking_number: str
    carrier: str | None = None
    status: str = Field(
        description="EasyPost's: pre_transit, in_transit, out_for_delivery, delivered,"
        " available_for_pickup, return_to_sender, failure, cancelled, error, unknown."
    )
    status_detail: str | None = None
    message: str | None = Field(None, max_length=500)
    happened_at: datetime = Field(description="When the carrier saw it (its latest scan).")
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = Field(None, description="Of the scan (a depot), not the buyer.")
    estimated_delivery: datetime | None = None


class ShipmentExceptionReported(_ShipmentEvent):
    event_type: Literal["ShipmentExceptionReported"] = "ShipmentExceptionReported"
    code: str
    message: str
