"""Events of the order context: what channels sold, and what became of it."""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.addresses import Address, ShippingMethod
from shared.events.bounds import MAX_MINOR, MAX_QUANTITY, Sku
from shared.events.envelope import Event
from shared.events.money import CURRENCY_PATTERN

# A tax rate in percent, as a decimal text: "19", "7", "7.7", "8.875".
TAX_RATE_PATTERN = r"^\d{1,3}(\.\d{1,4})?$"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineKind(StrEnum):
    STOCK = "stock"
    NON_STOCK = "non_stock"


class PaymentState(StrEnum):
    """Where the customer's payment stands, as the channel reports it (Shopify
    `financial_status`, WooCommerce's order status)."""

    PAID = "paid"
    AUTHORIZED = "authorized"  # the card is authorised, not yet captured
    PENDING = "pending"  # nothing received yet (bank transfer, cash on delivery, on-hold)


class OrderLine(_Value):
    line_ref: str = Field(description="The channel's id of this line.")
    kind: LineKind = Field(description="stock lines are reserved and shipped; non_stock never.")
    sku: Sku | None = Field(None, description="Crossdock SKU; always set on stock lines.")
    title: str
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    gross_minor: int = Field(
        ge=0, le=MAX_MINOR, description="Price times quantity, before discounts."
    )
    discount_minor: int = Field(
        0, ge=0, le=MAX_MINOR, description="Discount on the whole line, minor units."
    )
    tax_minor: int = Field(0, ge=0, le=MAX_MINOR, description="Tax on the whole line, minor units.")
    tax_rate: str | None = Field(
        None,
        pattern=TAX_RATE_PATTERN,
        description="The line's one tax rate in percent, where the channel gives one (the"
        " books post its tax to that rate's account).",
    )

    @model_validator(mode="after")
    def _stock_lines_have_a_sku(self) -> Self:
        if self.kind is LineKind.STOCK and not self.sku:
            raise ValueError("a stock line needs a SKU")
        return self


class UnmappedLine(_Value):
    line_ref: str
    title: str
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    gross_minor: int = Field(
        ge=0, le=MAX_MINOR, description="Unit price times quantity, minor units."
    )
    reason: str = Field(description="Why the hub could not map this line.")


class OrderTotals(_Value):
    items_minor: int = Field(
        le=10 * MAX_MINOR, description="Gross value of all lines (mapped or not)."
    )
    discount_minor: int = Field(ge=0, le=MAX_MINOR)
    shipping_minor: int = Field(ge=0, le=MAX_MINOR)
    tax_minor: int = Field(ge=0, le=MAX_MINOR)
    total_minor: int = Field(
        ge=0, le=10 * MAX_MINOR, description="What the customer pays, per the platform."
    )
    taxes_included: bool = Field(description="True when item prices already include tax.")
    shipping_tax_minor: int = Field(
        0,
        ge=0,
        le=MAX_MINOR,
        description="Of `tax_minor`, the tax on shipping (inside `shipping_minor` when"
        " prices include tax).",
    )
    shipping_tax_rate: str | None = Field(None, pattern=TAX_RATE_PATTERN)

    @model_validator(mode="after")
    def _shipping_tax_is_part_of_the_tax(self) -> Self:
        if self.shipping_tax_minor > self.tax_minor:
            raise ValueError(
                f"shipping tax {self.shipping_tax_minor} exceeds the order's tax {self.tax_minor}"
            )
        if self.taxes_included and self.shipping_tax_minor > self.shipping_minor:
            raise ValueError("shipping tax exceeds the shipping it is included in")
        return self

    @model_validator(mode="after")
    def _reconciles(self) -> Self:
        tax = 0 if self.taxes_included else self.tax_minor
        computed = self.items_minor - self.discount_minor + self.shipping_minor + tax
        if computed != self.total_minor:
            raise ValueError(
                f"totals do not reconcile: items {self.items_minor} - discount "
                f"{self.discount_minor} + shipping {self.shipping_minor} + tax {tax} = "
                f"{computed}, but the platform's total is {self.total_minor}"
            )
        return self


class OrderPlaced(Event):
    """A channel sold something; the hub accepted the order for routing."""

    event_type: Literal["OrderPlaced"] = "OrderPlaced"
    order_id: UUID = Field(description="Crossdock order id (stable per channel order).")
    channel: str = Field(description="Configured channel id, e.g. shopify-main.")
    channel_order_ref: str = Field(description="The platform's own order id.")
    channel_order_name: str = Field(description="What the merchant sees, e.g. #1001.")
    currency: str = Field(pattern=CURRENCY_PATTERN)
    lines: tuple[OrderLine, ...]
    unmapped_lines: tuple[UnmappedLine, ...] = ()
    hold_until_mapped: bool = Field(
        False, description="Merchant policy: nothing ships while a line is unmapped."
    )
    split_shipments_allowed: bool = Field(
        True, description="Channel policy: one line may ship from several locations."
    )
    backorder_when_short: bool = Field(
        False, description="Channel policy: wait for stock instead of rejecting the order."
    )
    sold_at_location: str | None = Field(
        None, description="A point-of-sale order: sold over the counter at this store."
    )
    totals: OrderTotals
    ship_to_country: str | None = Field(
        None, description="Where it goes (routing); the ship-to's country when there is one."
    )
    customer_email: str | None = Field(None, description="As the channel gave it.")
    customer_company: str | None = Field(
        None, description="The buying business, for B2B orders (they get an invoice)."
    )
    ship_to: Address | None = Field(None, description="Where the warehouse sends it.")
    bill_to: Address | None = Field(None, description="Who pays, where the channel says.")
    shipping_method: ShippingMethod | None = None
    customer_note: str | None = Field(
        None, max_length=2000, description="What the customer wrote at checkout."
    )
    customer_language: str | None = Field(
        None,
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        description="The customer's language as the channel gives it (Shopify"
        " customer_locale: `fr`, `fr-FR`), for what Crossdock writes to them.",
    )
    payment: PaymentState | None = Field(
        None, description="As the channel reports it; None: the channel does not say."
    )
    requested_ship_date: date | None = Field(
        None, description="The buyer's requested ship date (EDI 850 DTM*010)."
    )
    requested_delivery_date: date | None = Field(
        None, description="The buyer's requested delivery date (EDI 850 DTM*002)."
    )
    payment_terms: str | None = Field(
        None, max_length=200, description="As the buyer states them (EDI 850 ITD: Net 30)."
    )
    awaiting_payment: bool = Field(
        False, description="Channel policy: not routed until OrderPaid (its payment state)."
    )

    @property
    def stock_lines(self) -> tuple[OrderLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.STOCK)


class OrderPaid(Event):
    """The channel says the order is now paid (or authorised, where its policy routes
    authorised orders): Shopify `orders/paid` / `orders/updated`, WooCommerce
    `order.updated` to processing."""

    event_type: Literal["OrderPaid"] = "OrderPaid"
    order_id: UUID
    channel: str
    channel_order_ref: str
    payment: PaymentState


class OrderAmended(Event):
    """The channel changed an order it had sent: where it goes, how, the note, or its
    lines (Shopify `orders/updated`, which follows every `orders/edited`; WooCommerce
    `order.updated`). The whole amended order as the channel now has it; the gateway sends
    one only when something changed, and never an older state after a newer one."""

    event_type: Literal["OrderAmended"] = "OrderAmended"
    order_id: UUID
    channel: str
    channel_order_ref: str
    amended_at: datetime | None = Field(
        None, description="The channel's modification time (Shopify updated_at)."
    )
    lines: tuple[OrderLine, ...]
    unmapped_refs: tuple[str, ...] = Field(
        (), description="Lines the hub cannot map: the order's own quarantined lines."
    )
    totals: OrderTotals
    ship_to_country: str | None = None
    ship_to: Address | None = None
    bill_to: Address | None = None
    shipping_method: ShippingMethod | None = None
    customer_note: str | None = Field(None, max_length=2000)

    @property
    def stock_lines(self) -> tuple[OrderLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.STOCK)


class OrderStatus(StrEnum):
    PLACED = "placed"
    AWAITING_PAYMENT = "awaiting_payment"
    HELD_FOR_APPROVAL = "held_for_approval"
    BACKORDERED = "backordered"

    RESERVED = "reserved"
    REJECTED = "rejected"
    SENT_TO_FULFILMENT = "sent_to_fulfilment"
    FULFILMENT_FAILED = "fulfilment_failed"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class OrderCancellationRequested(Event):
    """The channel cancelled the order (Shopify orders/cancelled, WooCommerce status)."""

    event_type: Literal["OrderCancellationRequested"] = "OrderCancellationRequested"
    order_id: UUID
    channel: str
    channel_order_ref: str
    reason: str | None = Field(None, description="The platform's cancel reason, if given.")


class OrderCancellationRefused(Event):
    """Too late to cancel: something already left; the way back is a return. What had
    not left yet is called off, and what left is expected back at its location."""

    event_type: Literal["OrderCancellationRefused"] = "OrderCancellationRefused"
    order_id: UUID
    channel: str
    reason: str
    channel_order_ref: str | None = Field(None, description="The channel's own order id.")
    return_expected: bool = Field(
        False, description="Goods that left are expected back (a return was announced)."
    )


class OrderApproved(Event):
    """Someone approved an order held for approval (a B2B credit limit): it is routed."""

    event_type: Literal["OrderApproved"] = "OrderApproved"
    order_id: UUID
    approved_by: str = Field(description="Who approved it, as they identified themselves.")
    note: str | None = None


class OrderStatusChanged(Event):
    """The order-router moved an order from one state to the next."""

    event_type: Literal["OrderStatusChanged"] = "OrderStatusChanged"
    order_id: UUID
    channel: str
    from_status: OrderStatus | None
    to_status: OrderStatus
    reason: str | None = None
