"""The chart of accounts and posting rules are configuration (config/accounts.yaml)."""

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


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


class ExportTarget(BaseModel):
    """An accounting system the journal is exported to."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}$")
    kind: ExportKind
    base_url: str = Field(pattern=r"^https?://")
    company: str = Field(description="QuickBooks realm id, or Xero tenant id.")
    token_env: str = Field(description="Variable holding the API access token.")


class Chart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    currency_policy: str
    accounts: tuple[Account, ...]
    rules: Rules
    exports: tuple[ExportTarget, ...] = ()

    @model_validator(mode="after")
    def _rules_name_known_accounts(self) -> Self:
        codes = {a.code for a in self.accounts}
        unknown = sorted(self.rules.accounts_named() - codes)
        if unknown:
            raise ValueError(f"posting rules name accounts not in the chart: {unknown}")
        return self


class ChartError(ValueError):
    """The chart file is missing or invalid."""


def load_chart(path: Path) -> Chart:
    try:
        return Chart.model_validate(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ChartError(f"{path}: {exc}") from exc
