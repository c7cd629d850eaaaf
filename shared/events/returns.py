"""Events of refunds and returns: money going back, and goods coming back."""

from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.bounds import MAX_MINOR, MAX_QUANTITY, Sku
from shared.events.envelope import Event
from shared.events.money import CURRENCY_PATTERN


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RefundLine(_Value):
    line_ref: str = Field(description="The channel's id of the refunded order line.")
    sku: Sku | None
    quantity: int = Field(ge=0, le=MAX_QUANTITY)
    amount_minor: int = Field(ge=0, le=MAX_MINOR, description="Goods refunded, before tax.")
    tax_minor: int = Field(0, ge=0, le=MAX_MINOR)
    restock: bool = Field(description="The goods come back (a return is expected).")


class RefundIssued(Event):
    """The channel refunded money on an order, maybe with goods coming back."""

    event_type: Literal["RefundIssued"] = "RefundIssued"
    order_id: UUID
    channel: str
    channel_order_ref: str
    refund_ref: str = Field(description="The channel's id of the refund.")
    currency: str = Field(pattern=CURRENCY_PATTERN)
    lines: tuple[RefundLine, ...]
    shipping_minor: int = Field(0, ge=0, description="Shipping refunded, before tax.")
    shipping_tax_minor: int = Field(0, ge=0)
    total_minor: int = Field(ge=0, description="What went back to the customer.")

    @model_validator(mode="after")
    def _reconciles(self) -> Self:
        parts = sum(line.amount_minor + line.tax_minor for line in self.lines)
        computed = parts + self.shipping_minor + self.shipping_tax_minor
        if computed != self.total_minor:
            raise ValueError(
                f"refund does not reconcile: lines, tax and shipping make {computed}, "
                f"but {self.total_minor} was refunded"
            )
        return self


class ReturnLine(_Value):
    sku: Sku
    quantity: int = Field(gt=0, le=MAX_QUANTITY)


class ReturnExpected(Event):
    """The order-router tells the location that shipped them to expect goods back."""

    event_type: Literal["ReturnExpected"] = "ReturnExpected"
    return_id: UUID
    order_id: UUID
    shipment_id: UUID
    location: str
    fulfiller: str
    lines: tuple[ReturnLine, ...]


class ReceivedLine(_Value):
    sku: Sku
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    condition: Literal["sellable", "damaged"]


class ReturnReceived(Event):
    event_type: Literal["ReturnReceived"] = "ReturnReceived"
    return_id: UUID
    order_id: UUID
    location: str
    lines: tuple[ReceivedLine, ...]
