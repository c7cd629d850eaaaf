"""What the intake and feedback wings ask of a channel's API: send an update owed to it
(a fulfilment with its tracking, an order completed, what became of a cancellation that
came after a parcel left), read an order's refunds.

Which platform takes which update is a table; an update a platform does not take is
refused (`Refused`), never sent somewhere it means nothing.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.connectors import bigcommerce, edi, marketplace, woocommerce
from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.connectors.shopify import fulfilments
from services.storefront_gateway.connectors.shopify import orders as shopify_orders

Send = Callable[[Endpoint, dict[str, Any]], Awaitable[None]]

UPDATES: dict[tuple[Platform, str], Send] = {
    (Platform.SHOPIFY, "fulfilment"): fulfilments.fulfil,
    (Platform.WOOCOMMERCE, "fulfilment"): woocommerce.add_tracking_note,
    (Platform.WOOCOMMERCE, "completed"): woocommerce.complete_order,
    (Platform.MARKETPLACE, "fulfilment"): marketplace.confirm_shipment,
    (Platform.SHOPIFY, "cancellation_outcome"): shopify_orders.tag_order,
    (Platform.WOOCOMMERCE, "cancellation_outcome"): woocommerce.add_private_note,
    (Platform.SHOPIFY, "tracking_event"): fulfilments.add_event,
    (Platform.WOOCOMMERCE, "tracking_event"): woocommerce.add_private_note,
    (Platform.BIGCOMMERCE, "fulfilment"): bigcommerce.create_shipment,
}


def takes(platform: Platform, kind: str) -> bool:
    """Whether the platform takes this kind of update at all (else it is never queued)."""
    return (platform, kind) in UPDATES or (platform is Platform.EDI and kind == "fulfilment")


class ChannelApi:
    def __init__(self, http: httpx.AsyncClient, edi_id: str = "CROSSDOCK") -> None:
        self._http = http
        self._edi_id = edi_id

    async def send(
        self, channel: ChannelConfig, token: str, kind: str, payload: dict[str, Any]
    ) -> None:
        api = Endpoint.of(self._http, channel, token)
        if channel.platform is Platform.EDI and kind == "fulfilment":
            await edi.send_ship_notice(api, channel, self._edi_id, payload)
            return
        send = UPDATES.get((channel.platform, kind))
        if send is None:
            raise Refused(f"{channel.platform} takes no {kind!r} update")
        await send(api, payload)

    async def orders_since(
        self, channel: ChannelConfig, token: str, since: datetime
    ) -> list[dict[str, Any]]:
        """The channel's orders changed since then, as its API gives them (Shopify and
        WooCommerce; other channels are not read back)."""
        api = Endpoint.of(self._http, channel, token)
        if channel.platform is Platform.SHOPIFY:
            return await shopify_orders.orders_updated_since(api, since)
        if channel.platform is Platform.WOOCOMMERCE:
            return await woocommerce.orders_modified_since(api, since)
        raise Refused(f"{channel.platform} orders are not read back")

    async def woo_refunds(self, channel: ChannelConfig, token: str, order_ref: str) -> list[Any]:
        """Every refund of a WooCommerce order, fetched from the channel's own API."""
        return await woocommerce.refunds(Endpoint.of(self._http, channel, token), order_ref)

    async def bigcommerce_refunds(
        self, channel: ChannelConfig, token: str, order_ref: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """A BigCommerce order's refunds and its products (what the refunds' items name)."""
        api = Endpoint.of(self._http, channel, token)
        return await bigcommerce.refunds(api, order_ref), await bigcommerce.order_products(
            api, order_ref
        )
