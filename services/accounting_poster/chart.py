"""The chart of accounts and posting rules are configuration (config/accounts.yaml)."""

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class Account(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    name: str
    type: AccountType


POLICIES = ("discount_posting", "invoice_numbers", "recognise")


class Rules(BaseModel):
    """Which account takes each role in a posting, and the chart's posting policies."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    receivable: str
    revenue: str
    shipping_income: str
    sales_tax_payable: str
    discounts: str
    cost_of_goods_sold: str
    inventory: str
    refunds: str | None = Field(
        None, description="Contra revenue for goods refunded (sales returns); none: revenue."
    )
    discount_posting: Literal["contra", "net"] = Field(
        "contra",
        description="contra: a discount is debited to `discounts` and revenue is gross;"
        " net: revenue is posted net of the discount, no discount line.",
    )
    recognise: Literal["payment_state", "acceptance", "payment", "shipment"] = Field(
        "payment_state",
        description="When a sale is revenue: payment_state — once accepted, if the channel"
        " says it is paid (or says nothing of payment), else once it is paid; acceptance;"
        " payment (captured); shipment (the first parcel, or the counter hand-over).",
    )
    invoice_numbers: Literal["yearly", "continuous"] = Field(
        "yearly",
        description="B2B invoice numbers restart at 1 each year (INV-2026-000001), or count"
        " on across years; either way without gaps.",
    )
    tax_accounts: dict[str, str] = Field(
        default_factory=dict,
        description="Tax by rate, in percent ('19', '7%'): each rate's own account;"
        " tax of a rate not named (or of no rate) goes to `sales_tax_payable`.",
    )

    @model_validator(mode="after")
    def _rates_are_numbers(self) -> Self:
        for rate in self.tax_accounts:
            try:
                Decimal(rate.strip().removesuffix("%"))
            except InvalidOperation as exc:
                raise ValueError(f"tax_accounts: {rate!r} is not a rate in percent") from exc
        return self

    # Per channel: these rules with its entity's and its own overrides, and the export
    # targets its entries go to (None: every one). Set by the Chart when it loads.
    _per_channel: dict[str, "Rules"] = PrivateAttr(default_factory=dict)
    _exports_to: tuple[str, ...] | None = PrivateAttr(default=None)

    def for_channel(self, channel: str | None) -> "Rules":
        """The rules a channel's entries are posted by (its legal entity's chart)."""
        return self._per_channel.get(channel or "", self)

    @property
    def exports_to(self) -> tuple[str, ...] | None:
        return self._exports_to

    def accounts_named(self) -> set[str]:
        named = {
            v for k, v in self.model_dump().items() if isinstance(v, str) and k not in POLICIES
        }
        return named | set(self.tax_accounts.values())

    def tax_account(self, rate: str | None) -> str:
        """The account of a tax rate ("19"), else the default tax account."""
        if rate is None:
            return self.sales_tax_payable
        wanted = Decimal(rate)
        for named, account in self.tax_accounts.items():
            if Decimal(named.strip().removesuffix("%")) == wanted:
                return account
        return self.sales_tax_payable


class ExportKind(StrEnum):
    QUICKBOOKS = "quickbooks"
    XERO = "xero"


class OAuth(BaseModel):
    """OAuth 2.0 with short-lived access tokens, as QuickBooks Online and Xero use: the
    access token is got from the token endpoint with the refresh token (which each use
    may replace: the new one is kept, in the database, before the access token is used)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    token_url: str = Field(pattern=r"^https?://")
    client_id_env: str
    client_secret_env: str
    refresh_token_env: str = Field(
        description="Variable holding the first refresh token (later ones are stored)."
    )


class ExportTarget(BaseModel):
    """An accounting system the journal is exported to."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}$")
    kind: ExportKind
    base_url: str = Field(pattern=r"^https?://")
    company: str = Field(description="QuickBooks realm id, or Xero tenant id.")
    token_env: str | None = Field(
        None, description="Variable holding a long-lived API access token (else `oauth`)."
    )
    oauth: OAuth | None = None
    currency: str | None = Field(
        None,
        pattern=r"^[A-Z]{3}$",
        description="The company's home currency: only entries in it are sent there.",
    )

    @model_validator(mode="after")
    def _one_way_in(self) -> Self:
        if (self.token_env is None) == (self.oauth is None):
            raise ValueError(f"export {self.id}: give token_env or oauth, one of them")
        return self


class Entity(BaseModel):
    """A legal entity: its channels, its own postings where they differ from the chart's
    (a clearing account per payment gateway, its VAT accounts), its accounting systems."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}$")
    channels: tuple[str, ...] = Field(min_length=1)
    exports: tuple[str, ...] = Field(
        (), description="Export target ids its entries go to (none: not exported)."
    )
    rules: dict[str, Any] = Field(default_factory=dict, description="Overrides of `rules`.")


class Chart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    currency_policy: str
    accounts: tuple[Account, ...]
    rules: Rules
    exports: tuple[ExportTarget, ...] = ()
    entities: tuple[Entity, ...] = ()
    channel_rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per channel, overrides of its entity's rules (its clearing account).",
    )

    @model_validator(mode="after")
    def _rules_name_known_accounts(self) -> Self:
        codes = {a.code for a in self.accounts}
        unknown = sorted(self.rules.accounts_named() - codes)
        if unknown:
            raise ValueError(f"posting rules name accounts not in the chart: {unknown}")
        self._per_channel_rules(codes)
        return self

    def _per_channel_rules(self, codes: set[str]) -> None:
        """Each channel's rules (chart < its entity < its own), checked like the chart's."""
        targets = {t.id for t in self.exports}
        channels = {c for e in self.entities for c in e.channels} | set(self.channel_rules)
        for channel in sorted(channels):
            entities = [e for e in self.entities if channel in e.channels]
            if len(entities) > 1:
                raise ValueError(f"channel {channel} is in two entities")
            entity = entities[0] if entities else None
            if entity is not None and set(entity.exports) - targets:
                raise ValueError(f"entity {entity.id} exports to unknown targets")
            merged = {
                **self.rules.model_dump(),
                **(entity.rules if entity else {}),
                **self.channel_rules.get(channel, {}),
            }
            rules = Rules.model_validate(merged)
            unknown = sorted(rules.accounts_named() - codes)
            if unknown:
                raise ValueError(
                    f"channel {channel}'s rules name accounts not in the chart: {unknown}"
                )
            rules._exports_to = entity.exports if entity else None
            self.rules._per_channel[channel] = rules


class ChartError(ValueError):
    """The chart file is missing or invalid."""


def load_chart(path: Path) -> Chart:
    try:
        return Chart.model_validate(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ChartError(f"{path}: {exc}") from exc
