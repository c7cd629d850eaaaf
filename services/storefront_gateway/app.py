"""Wiring of the storefront-gateway.

Run: `uvicorn services.storefront_gateway.app:create_app --factory`.
"""

from contextlib import AbstractAsyncContextManager
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.storefront_gateway import subscribers
from services.storefront_gateway.background import Background, running
from services.storefront_gateway.catalog import api as customer_pricing
from services.storefront_gateway.channels import Channels
from services.storefront_gateway.connectors.hub import SERVICES as HUB_SERVICES
from services.storefront_gateway.console import actions_api as console_actions
from services.storefront_gateway.console import api as console_pages
from services.storefront_gateway.console import sign_in_api as console_door
from services.storefront_gateway.console.deps import ConsoleParts
from services.storefront_gateway.console.session import NotAllowed, SignInNeeded
from services.storefront_gateway.erp import api as erp_api
from services.storefront_gateway.feedback import api as feedback_api
from services.storefront_gateway.intake import (
    edi_api,
    json_webhooks,
    mapping_api,
    pull_api,
    quarantine_api,
    sales_webhooks,
    storefront_webhooks,
)
from services.storefront_gateway.intake.deps import IntakeParts
from services.storefront_gateway.intake.order_feeds import order_feed
from services.storefront_gateway.intake.order_pull import OrderPuller
from services.storefront_gateway.intake.thin_webhooks import ThinFetcher
from services.storefront_gateway.mapping import xref
from services.storefront_gateway.mapping.engine import Mapper, Resolve
from services.storefront_gateway.mapping.loading import load_mappers
from services.storefront_gateway.mapping.spec import load_mapping
from services.storefront_gateway.sync import api as stock_sync_api
from services.storefront_gateway.sync.metrics import SyncMetrics
from shared.config import HubSettings
from shared.feeds import FeedConfig, load_feeds
from shared.runtime import ServiceRuntime
from shared.topics import STOREFRONT_GATEWAY


class StorefrontGatewaySettings(HubSettings):
    http_port: int = 8000
    channels_file: Path = Path("config/channels.yaml")
    feedback_backoff_seconds: float = 0.5
    reconcile_interval_seconds: float = 300.0
    erp_url: str | None = None
    erp_token: SecretStr = SecretStr("")
    erp_poll_seconds: float = 2.0
    edi_id: str = Field("CROSSDOCK", description="Our X12 interchange id (ISA06/ISA08).")
    feeds_file: Path | None = Path("config/feeds.yaml")
    # How often each Shopify and WooCommerce channel's orders are read back for those its
    # webhooks missed (0: only on request, POST /orders/reconcile).
    order_reconcile_seconds: float = 600.0
    # The mail server Crossdock sends customers' notices through (channels whose
    # customer_notices is crossdock); none configured: those notices wait, with the reason.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    mail_from: str = "Crossdock <orders@crossdock.invalid>"
    console_urls: dict[str, str] = Field(
        default_factory=dict,
        description="The ops console's way to each service of the hub, JSON:"
        ' {"order-router": "http://order-router:8001", ...}; the gateway itself defaults'
        " to its own port.",
    )
    console_secure_cookie: bool | None = Field(
        None, description="Mark the console's cookie Secure; unset: when served over https."
    )


# Operators' routes (behind the read token) and partners' doors (their own credentials).
ROUTERS = [
    feedback_api.router,
    quarantine_api.router,
    mapping_api.router,
    edi_api.router,
    customer_pricing.router,
    erp_api.router,
    stock_sync_api.router,
    pull_api.router,
]
# The ops console checks its own session (cookie or bearer) and answers with pages.
DOORS = [
    storefront_webhooks.router,
    sales_webhooks.router,
    json_webhooks.router,
    edi_api.door,
    console_door.door,
    console_pages.router,
    console_actions.router,
]


def create_app(settings: StorefrontGatewaySettings | None = None) -> FastAPI:
    settings = settings or StorefrontGatewaySettings()
    channels = Channels.load(settings.channels_file)
    runtime = ServiceRuntime(STOREFRONT_GATEWAY, settings, "services.storefront_gateway.migrations")
    subscribers.register(runtime, channels)
    resolve = _resolver(runtime)
    order_feeds = load_feeds(settings.feeds_file, "orders")
    mappers = _mappers(channels, order_feeds, resolve)
    background = Background()
    sync_metrics = SyncMetrics(runtime.metrics.registry)

    def extra_lifespan(app: FastAPI) -> AbstractAsyncContextManager[None]:
        take = order_feed(channels, mappers, runtime.uow, runtime.metrics)
        every = settings.order_reconcile_seconds
        pulls = [OrderPuller(app.state.intake, runtime.uow, every)] if every > 0 else []
        fetcher = ThinFetcher(app.state.intake, runtime.uow, settings.database_url, runtime.schema)
        return running(
            runtime, settings, channels, sync_metrics, background, order_feeds, take,
            [*pulls, fetcher],
        )  # fmt: skip

    title = "Crossdock storefront-gateway"
    app = runtime.http_app(title, __doc__ or "", ROUTERS, extra_lifespan, doors=DOORS)
    app.state.stock_sync = background.started_stock_sync  # for /reconcile
    _with_console(app, settings, background)
    app.state.intake = IntakeParts(
        channels, mappers, resolve, runtime.metrics, settings.max_body_bytes, settings.edi_id,
        background.started_channel_api, background.started_http, runtime.group_commit,
    )  # fmt: skip
    return app


def _resolver(runtime: ServiceRuntime) -> Resolve:
    """A channel's item identifier to our SKU, from the cross-reference table."""

    async def resolve(system: str, identifier: str) -> str | None:
        async with runtime.uow() as uow:
            return await xref.sku_for(uow.connection, system, identifier)

    return resolve


def _mappers(
    channels: Channels, order_feeds: list[FeedConfig], resolve: Resolve
) -> dict[str, Mapper]:
    """Each channel's mapping file, and each order feed's, loaded once."""
    mappers = load_mappers(channels.all(), resolve)
    for feed in order_feeds:
        if feed.mapping is None or channels.by_id(feed.channel or "") is None:
            raise ValueError(f"feed {feed.id}: an order feed needs a mapping and a channel")
        mappers[f"feed:{feed.id}"] = Mapper(load_mapping(feed.mapping), resolve)
    return mappers


def _with_console(
    app: FastAPI, settings: StorefrontGatewaySettings, background: Background
) -> None:
    """The ops console's parts, and the pages that answer a missing or short session."""
    app.state.console = _console(settings, background)
    app.add_exception_handler(SignInNeeded, console_door.sign_in_needed)
    app.add_exception_handler(NotAllowed, console_door.not_allowed)


def _console(settings: StorefrontGatewaySettings, background: Background) -> ConsoleParts:
    own = f"http://127.0.0.1:{settings.http_port}"
    urls = {"storefront-gateway": own, **settings.console_urls}
    unknown = sorted(set(urls) - set(HUB_SERVICES))
    if unknown:
        raise ValueError(f"CROSSDOCK_CONSOLE_URLS names no service of the hub: {unknown}")
    return ConsoleParts(urls, background.started_http, settings.console_secure_cookie)
