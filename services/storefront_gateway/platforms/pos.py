"""Point-of-sale sales as the POS system posts them: read to refuse a malformed one
with its reason and to name its delivery (the mapping is `mapping/platforms/pos.yaml`).

Amounts are integers in minor units; prices include tax when `tax_inclusive` is true.
A sale happens at an outlet, which the channel maps to a Crossdock location: it is a
counter sale there (reserved and handed over at once, never shipped). A sale from an
outlet the channel does not map cannot be placed anywhere and is quarantined.
"""

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SaleLine(_Payload):
    sku: str | None = None
    name: str
    quantity: int = Field(gt=0)
    line_total_minor: int = Field(ge=0)
    tax_minor: int = Field(0, ge=0)


class PosSale(_Payload):
    sale_id: str = Field(min_length=1, max_length=64)
    outlet_id: str
    currency: str
    tax_inclusive: bool = True
    lines: list[SaleLine] = Field(min_length=1)
    total_minor: int = Field(ge=0)
    total_tax_minor: int = Field(0, ge=0)
    customer_email: str | None = None
