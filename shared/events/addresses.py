"""Where an order goes and who pays for it: the postal address a warehouse prints on the
label, and the shipping method the customer chose. Personal data: carried on the events
that need it (the order, the shipment asked of a 3PL), never in logs or metric labels.

Bounds follow what carriers print: at most three address lines, ISO 3166-1 alpha-2
countries. Text holds no control characters (a NUL cannot be stored; a newline would
break a label or an EDI segment)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Text = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$")]
# Countries without postal codes (a 3PL accepts an address there without one).
NO_POSTAL_CODE = frozenset(
    {"AE", "AG", "AO", "AW", "BS", "BZ", "CW", "FJ", "GD", "GH", "HK", "JM", "KI", "KN",
     "MO", "QA", "SC", "SR", "TT", "TV", "UG", "VU", "YE", "ZW"}
)  # fmt: skip


class Address(BaseModel):
    """A postal address as the channel gave it; `region` is the state or province (its
    code where the channel has one, as carriers want for US, CA and AU)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Text | None = None
    company: Text | None = None
    reference: Text | None = Field(
        None, description="The party's id at the partner: an EDI N104 store number."
    )
    lines: tuple[Text, ...] = Field((), max_length=3, description="Street lines, in order.")
    city: Text | None = None
    region: Text | None = None
    postal_code: Annotated[str, Field(max_length=20, pattern=r"^[^\x00-\x1f\x7f]*$")] | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")
    phone: Annotated[str, Field(max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$")] | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^\x00-\x1f\x7f\s]+@[^\s]+$")] | None = (
        None
    )

    def undeliverable(self) -> str | None:
        """Why a carrier could not deliver here, or None."""
        missing = [
            part
            for part, value in (
                ("recipient name", self.name or self.company),
                ("street line", self.lines),
                ("city", self.city),
                ("postal code", self.postal_code or self.country in NO_POSTAL_CODE),
            )
            if not value
        ]
        return f"no {', no '.join(missing)}" if missing else None


class ShippingMethod(BaseModel):
    """What the customer chose at checkout: the channel's code for the rate, its title,
    and the carrier it named, if any (a hint: the 3PL picks the service)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Text | None = None
    title: Text | None = None
    carrier: Text | None = None
