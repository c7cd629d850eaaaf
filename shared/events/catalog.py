"""Events of the catalog context: products, prices and customers as their system of
record (the ERP/PIM) has them. Published by the storefront-gateway's ERP connector."""

from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.events.envelope import Event
from shared.events.money import CURRENCY_PATTERN


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProductChanged(Event):
    """A sellable item (one SKU, a variant of a product) as the system of record has it."""

    event_type: Literal["ProductChanged"] = "ProductChanged"
    sku: str
    product_code: str = Field(description="The product the SKU is a variant of.")
    title: str
    description: str = ""
    barcode: str | None = Field(None, description="GTIN/EAN/UPC.")
    weight_grams: int | None = Field(None, ge=0)
    options: dict[str, str] = Field(
        default_factory=dict, description="Variant options, e.g. {'size': 'M'}."
    )
    revision: int = Field(description="The system of record's revision; grows per change.")


class PriceScheduled(Event):
    """A price for a SKU from the price book: always (no window) or for a window (a flash
    sale from `starts_at` until `ends_at`). Within its window a scheduled price wins over
    the standing one; the latest-starting window wins over another."""

    event_type: Literal["PriceScheduled"] = "PriceScheduled"
    price_id: str = Field(description="The price book entry's id; a repeat replaces it.")
    sku: str
    currency: str = Field(pattern=CURRENCY_PATTERN)
    amount_minor: int = Field(ge=0)
    compare_at_minor: int | None = Field(None, ge=0, description="The 'was' price shown.")
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    revision: int

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class NegotiatedPrice(_Value):
    sku: str
    amount_minor: int = Field(ge=0)


class CustomerChanged(Event):
    """A customer account as the ERP/CRM has it, with B2B terms where it has them."""

    event_type: Literal["CustomerChanged"] = "CustomerChanged"
    customer_id: str = Field(description="The ERP's customer number.")
    email: str | None = None
    name: str
    company: str | None = None
    currency: str = Field(pattern=CURRENCY_PATTERN)
    credit_limit_minor: int | None = Field(
        None, ge=0, description="B2B: orders beyond it wait for approval; None: no limit."
    )
    balance_minor: int = Field(0, description="Open receivables in the ERP at `balance_as_of`.")
    balance_as_of: AwareDatetime
    price_list: tuple[NegotiatedPrice, ...] = Field(
        (), description="Negotiated B2B prices, per SKU, in `currency`."
    )
    revision: int
