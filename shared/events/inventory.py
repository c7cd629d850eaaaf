"""Events and commands of the inventory context (owned by the inventory-ledger; a
channel's own count of a location it is the master of comes from the gateway)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import Event


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequestedQuantity(_Value):
    sku: str
    quantity: int = Field(gt=0)


class ReserveStock(Event):
    """Command from the order-router: reserve every line, or none."""

    event_type: Literal["ReserveStock"] = "ReserveStock"
    order_id: UUID
    lines: tuple[RequestedQuantity, ...]
    locations: tuple[str, ...] = Field(description="Locations to try, most preferred first.")
    allow_split: bool = Field(
        False, description="A line may be split across locations (the channel allows it)."
    )


class HandOverStock(Event):
    """Command from the order-router: a counter sale left the store with the customer."""

    event_type: Literal["HandOverStock"] = "HandOverStock"
    order_id: UUID


class Allocation(_Value):
    sku: str
    location: str
    quantity: int = Field(gt=0)


class ReleaseStock(Event):
    """Command from the order-router: give back stock an order holds reserved."""

    event_type: Literal["ReleaseStock"] = "ReleaseStock"
    order_id: UUID
    allocations: tuple[Allocation, ...] | None = Field(
        None, description="What to release (a cancelled shipment); None: all the order holds."
    )
    reason: str


class ReallocateStock(Event):
    """Command from the order-router: a location's 3PL refused a shipment. Give back what
    the shipment held there and reserve the same lines at the next locations, in one step,
    so the stock is never held at the refusing location nor lost between the two."""

    event_type: Literal["ReallocateStock"] = "ReallocateStock"
    order_id: UUID
    shipment_id: UUID = Field(description="The refused shipment.")
    release: tuple[Allocation, ...] = Field(description="What it held at its location.")
    lines: tuple[RequestedQuantity, ...]
    locations: tuple[str, ...] = Field(
        description="Locations to try, most preferred first; never one that refused."
    )
    allow_split: bool = False
    reason: str = Field(description="Why it moves: the refusal, as the 3PL gave it.")


class ShortLine(_Value):
    sku: str
    requested: int
    available: int = Field(description="Best single-location availability at the time.")


class StockReserved(Event):
    event_type: Literal["StockReserved"] = "StockReserved"
    order_id: UUID
    allocations: tuple[Allocation, ...]


class StockReservationRejected(Event):
    event_type: Literal["StockReservationRejected"] = "StockReservationRejected"
    order_id: UUID
    short_lines: tuple[ShortLine, ...]
    reason: str


class StockReallocated(Event):
    """The verdict on a ReallocateStock: the refused shipment's stock was given back, and
    the lines are reserved anew (`allocations`) or, short everywhere, not (`short_reason`)."""

    event_type: Literal["StockReallocated"] = "StockReallocated"
    order_id: UUID
    shipment_id: UUID
    reason: str = Field(description="Why it moved (the command's reason).")
    released: tuple[Allocation, ...]
    allocations: tuple[Allocation, ...] = ()
    short_reason: str | None = None


class StockReleased(Event):
    event_type: Literal["StockReleased"] = "StockReleased"
    order_id: UUID
    released: tuple[Allocation, ...]


class StockHandedOver(Event):
    """A counter sale's reserved stock left with the customer (committed, like a dispatch)."""

    event_type: Literal["StockHandedOver"] = "StockHandedOver"
    order_id: UUID
    handed_over: tuple[Allocation, ...]


class StockLevelChanged(Event):
    """Stock of one SKU at one location after a change; `version` orders the changes."""

    event_type: Literal["StockLevelChanged"] = "StockLevelChanged"
    sku: str
    location: str
    on_hand: int = Field(ge=0)
    reserved: int = Field(ge=0)
    available: int = Field(ge=0)
    version: int = Field(description="Per (SKU, location), increases with every change.")


class StockCounted(Event):
    """From the storefront-gateway: a channel that is the master of a location's count
    (a shop's shelf counted in the channel's point of sale) says how many are available
    there. The ledger takes it as the location's available-to-sell: on hand becomes the
    count plus what the hub holds reserved there; an older count never over a newer."""

    event_type: Literal["StockCounted"] = "StockCounted"
    sku: str
    location: str
    available: int = Field(description="As the channel counts it: may be below 0.")
    counted_at: datetime = Field(description="The channel's own time of the count.")
    channel: str
