"""Channels are configuration: which shop is which channel, its secret, its SKU tables.

The file (YAML) names, for each channel, the environment variable holding its webhook
secret; the secret itself never sits in the file. A missing variable is an error at
start-up, not at the first webhook.
"""

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from shared.events.money import CURRENCY_PATTERN
from shared.events.orders import PaymentState


class Platform(StrEnum):
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    MARKETPLACE = "marketplace"
    POS = "pos"
    JSON = "json"  # any JSON webhook, described by a mapping file alone
    # Thin webhooks described by its mapping file; shipments, refunds and stock through
    # its V2/V3 API (connectors/bigcommerce.py).
    BIGCOMMERCE = "bigcommerce"
    EDI = "edi"  # an X12 trading partner: `shop` is its interchange id (ISA06)
    FEED = "feed"  # a system without an API: its orders come as exported files


# Platforms whose webhooks only their mapping file describes (POST /webhooks/json/{id}).
WEBHOOKS_BY_FILE = (Platform.JSON, Platform.BIGCOMMERCE)
# Platforms whose orders a mapping file may describe (json ones must); for the others it
# overrides the built-in mapping of new orders for that one store or account.
MAPPED_BY_FILE = (
    Platform.JSON,
    Platform.BIGCOMMERCE,
    Platform.SHOPIFY,
    Platform.WOOCOMMERCE,
    Platform.MARKETPLACE,
    Platform.POS,
)

ORDER_ID_KEY_ENV = "CROSSDOCK_ORDER_ID_KEY"
MIN_KEY_BYTES = 32

Buffer = Annotated[int, Field(ge=0)] | Annotated[str, Field(pattern=r"^\d{1,2}(\.\d+)?%$")]


class StockSync(BaseModel):
    """How the channel sees stock: which locations serve it, what is held back, and how
    fast its API may be called (its documented limit; its own answers slow us further)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    locations: tuple[str, ...] | None = Field(
        None, description="Locations whose stock this channel sells; none listed: all."
    )
    buffer: Buffer = Field(0, description="Held back from the channel: units, or '10%'.")
    sku_buffers: dict[str, Buffer] = Field(
        default_factory=dict, description="Per-SKU buffers overriding `buffer`."
    )
    requests_per_second: float = Field(2.0, gt=0, le=1000)
    burst: int = Field(4, ge=1, le=1000)
    platform_location_id: str | None = Field(
        None, description="The platform's own location the quantity is set at (Shopify gid)."
    )
    counted_locations: dict[str, str] = Field(
        default_factory=dict,
        description="The channel's locations whose count it is the master of (a shop's"
        " shelf counted at its point of sale): platform location id -> our location. Its"
        " level reports there become the ledger's count.",
    )
    drift_grace_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="A channel reporting less than the hub set (its own sale, likely on its"
        " way as an order) is corrected after this long; reporting more, at once.",
    )

    def serves(self, location: str) -> bool:
        return self.locations is None or location in self.locations

    def buffer_for(self, sku: str) -> Buffer:
        return self.sku_buffers.get(sku, self.buffer)


class ChannelConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    platform: Platform
    shop: str = Field(
        description="Shopify shop domain, or WooCommerce site URL (its webhook source)."
    )
    secret_env: str | None = Field(
        None, description="Environment variable holding the webhook secret (not for feeds)."
    )
    hold_until_mapped: bool = Field(
        False, description="Merchant policy: nothing ships while a line is unmapped."
    )
    allow_split_shipments: bool = Field(
        True, description="Channel policy: one line may ship from several locations."
    )
    pos_locations: dict[str, str] = Field(
        default_factory=dict,
        description="The platform's POS location id -> Crossdock location: counter sales there.",
    )
    backorder_when_short: bool = Field(
        False,
        description="Channel policy: an order short of stock waits instead of being rejected.",
    )
    customer_notices: Literal["platform", "crossdock", "none"] = Field(
        "platform",
        description="Who tells the customer (confirmed, shipped with tracking, delivered, "
        "cancelled): the platform (Shopify's shipping notification, WooCommerce's customer "
        "notes), Crossdock by email, or nobody. Never both.",
    )
    notice_language: str = Field(
        "en", pattern=r"^[a-z]{2}$", description="The language of Crossdock's emails."
    )
    route_on_payment: tuple[PaymentState, ...] = Field(
        (PaymentState.PAID,),
        description="Payment states whose orders are routed at once; an order in another "
        "waits, held with the reason, for the channel's paid event (Shopify orders/paid or "
        "orders/updated, WooCommerce order.updated to processing).",
    )
    variant_skus: dict[str, str] = Field(
        default_factory=dict,
        description="Platform variant/product id -> SKU, for lines that arrive without a SKU.",
    )
    sku_aliases: dict[str, str] = Field(
        default_factory=dict, description="The channel's SKU -> Crossdock SKU, where they differ."
    )
    api_url: str | None = Field(
        None,
        pattern=r"^https?://",
        description="Platform API base for status and tracking (none: no feedback).",
    )
    api_token_env: str | None = Field(
        None,
        description="Variable with the API credential: a Shopify Admin API access token, "
        "WooCommerce 'consumer_key:consumer_secret', or a marketplace/POS bearer token.",
    )
    stock: StockSync | None = Field(
        None, description="Push available-to-sell to this channel (needs api_url)."
    )
    mapping: Path | None = Field(
        None, description="The mapping file of a `json` channel (config/mappings/...)."
    )
    currency: str | None = Field(
        None,
        pattern=CURRENCY_PATTERN,
        description="The currency the channel sells in: its prices come from the price "
        "book in this currency (none: prices are not pushed).",
    )

    @model_validator(mode="after")
    def _secret_unless_feed(self) -> Self:
        if self.secret_env is None and self.platform is not Platform.FEED:
            raise ValueError(f"channel {self.id}: secret_env is required")
        return self

    @model_validator(mode="after")
    def _json_needs_mapping(self) -> Self:
        if self.platform in WEBHOOKS_BY_FILE and self.mapping is None:
            raise ValueError(
                f"channel {self.id}: a {self.platform.value} channel needs its mapping file"
            )
        if self.mapping is not None and self.platform not in MAPPED_BY_FILE:
            raise ValueError(
                f"channel {self.id}: {self.platform.value} orders are not mapped by a file"
            )
        return self

    @model_validator(mode="after")
    def _stock_needs_api(self) -> Self:

        if self.stock is not None and not (self.api_url and self.api_token_env):
            raise ValueError(f"channel {self.id}: stock sync needs api_url and api_token_env")
        return self

    _order_id_key: bytes | None = PrivateAttr(None)

    def keyed(self, key: bytes) -> Self:
        """This channel, deriving its order ids with the hub's key (see `order_id_for`)."""
        if len(key) < MIN_KEY_BYTES:
            raise ChannelError(f"the order-id key needs at least {MIN_KEY_BYTES} bytes")
        self._order_id_key = key
        return self

    def order_id_key(self) -> bytes:
        if self._order_id_key is None:
            raise ChannelError(f"channel {self.id} has no order-id key: load it with Channels")
        return self._order_id_key

    def sku_for(self, sku: str | None, variant_id: str | None) -> str | None:
        if sku and sku.strip():
            return self.sku_aliases.get(sku.strip(), sku.strip())
        if variant_id is not None:
            return self.variant_skus.get(variant_id)
        return None


class ChannelError(ValueError):
    """The channel file is invalid or a channel's secret is missing."""


@dataclass(frozen=True)
class StockTarget:
    """A channel whose stock, prices and details Crossdock sets, as the stock-sync and
    catalog wings see it: every part they need is there (checked when the channels
    load), so no wing asserts that an optional part is present."""

    channel: ChannelConfig
    stock: StockSync
    api_url: str
    token: str

    @property
    def id(self) -> str:
        return self.channel.id


class Channels:
    def __init__(
        self,
        channels: list[ChannelConfig],
        secrets: dict[str, bytes],
        api_tokens: dict[str, str] | None = None,
    ) -> None:
        self._by_shop = {(c.platform, c.shop.rstrip("/").lower()): c for c in channels}
        self._by_id = {c.id: c for c in channels}
        self._secrets = secrets
        self._api_tokens = api_tokens or {}

    def by_id(self, channel_id: str) -> ChannelConfig | None:
        return self._by_id.get(channel_id)

    def all(self) -> list[ChannelConfig]:
        return list(self._by_id.values())

    def syncing_stock(self) -> list[StockTarget]:
        return [
            StockTarget(c, c.stock, c.api_url, self._api_tokens[c.id])
            for c in self._by_id.values()
            if c.stock is not None and c.api_url is not None
        ]

    def api_token(self, channel: ChannelConfig) -> str:
        return self._api_tokens[channel.id]

    def find(self, platform: Platform, shop: str | None) -> ChannelConfig | None:
        if not shop:
            return None
        return self._by_shop.get((platform, shop.rstrip("/").lower()))

    def secret(self, channel: ChannelConfig) -> bytes:
        return self._secrets[channel.id]

    @classmethod
    def load(cls, path: Path, environ: dict[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        try:
            raw = yaml.safe_load(path.read_text()) or {}
            parsed = _ChannelFile.model_validate(raw)
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise ChannelError(f"{path}: {exc}") from exc
        needed = [c.secret_env for c in parsed.channels if c.secret_env] + [
            c.api_token_env for c in parsed.channels if c.api_url and c.api_token_env
        ]
        missing = [name for name in [ORDER_ID_KEY_ENV, *needed] if not env.get(name)]
        if missing:
            raise ChannelError(f"{path}: secrets not set in the environment: {', '.join(missing)}")
        key = env[ORDER_ID_KEY_ENV].encode()
        return cls(
            [c.keyed(key) for c in parsed.channels],
            {c.id: env[c.secret_env].encode() for c in parsed.channels if c.secret_env},
            {c.id: env[c.api_token_env] for c in parsed.channels if c.api_url and c.api_token_env},
        )


class _ChannelFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[ChannelConfig]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [c.id for c in self.channels]
        if len(ids) != len(set(ids)):
            raise ValueError("channel ids must be unique")
        return self
