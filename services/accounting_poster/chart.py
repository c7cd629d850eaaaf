"""The chart of accounts and posting rules are configuration (config/accounts.yaml)."""

from enum import StrEnum
from pathlib import Path
from typing import Self

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


class Rules(BaseModel):
    """Which account takes each role in a posting."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    receivable: str
    revenue: str
    shipping_income: str
    sales_tax_payable: str
    discounts: str
    cost_of_goods_sold: str
    inventory: str


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
        unknown = sorted(set(self.rules.model_dump().values()) - codes)
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
