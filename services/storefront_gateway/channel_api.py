"""Outbound HTTP to sales channels, in each platform's documented API shape.

Shopify: fulfilments are made against fulfilment orders (`GET .../orders/{id}/
fulfillment_orders.json`, then `POST .../fulfillments.json` with `tracking_info`),
authenticated by `X-Shopify-Access-Token`. WooCommerce: REST v3 with basic auth — a
customer-visible order note carries the tracking, and the order is set `completed`.

Exceptions::

    ChannelError
    ├── ChannelRejected      4xx other than 429: will not work by retrying
    └── ChannelUnavailable   timeout, connection failure, 429 or 5xx: retry later
"""

from datetime import UTC, datetime
from typing import Any

import httpx

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.edi.documents import ship_notice
from services.storefront_gateway.edi.x12 import Writer

SHOPIFY_API = "/admin/api/2025-10"
WOO_API = "/wp-json/wc/v3"


class ChannelError(Exception):
    """Any failure talking to a channel."""


class ChannelRejected(ChannelError):
    """The channel refused the update: retrying will not help."""


class ChannelUnavailable(ChannelError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChannelApi:
    def __init__(self, http: httpx.AsyncClient, edi_id: str = "CROSSDOCK") -> None:
        self._http = http
        self._edi_id = edi_id

    async def send(
        self, channel: ChannelConfig, token: str, kind: str, payload: dict[str, Any]
    ) -> None:
        if channel.platform is Platform.SHOPIFY and kind == "fulfilment":
            await self._shopify_fulfilment(channel, token, payload)
        elif channel.platform is Platform.WOOCOMMERCE and kind == "fulfilment":
            await self._woo_note(channel, token, payload)
        elif channel.platform is Platform.WOOCOMMERCE and kind == "completed":
            await self._call(
                channel,
                token,
                "PUT",
                f"{WOO_API}/orders/{payload['channel_order_ref']}",
                {"status": "completed"},
            )
        elif channel.platform is Platform.EDI and kind == "fulfilment":
            await self._ship_notice(channel, token, payload)
        elif channel.platform is Platform.MARKETPLACE and kind == "fulfilment":
            # The marketplace wants each shipment confirmed, with tracking, per seller SKU.
            body = {
                "carrier": payload["carrier"],
                "tracking_number": payload["tracking_number"],
                "tracking_url": payload.get("tracking_url"),
                "items": [
                    {"seller_sku": i["sku"], "quantity": i["quantity"]}
                    for i in payload["line_items"]
                ],
            }
            ref = payload["channel_order_ref"]
            await self._call(channel, token, "POST", f"/v1/orders/{ref}/shipments", body)
        else:
            raise ChannelRejected(f"{channel.platform} takes no {kind!r} update")

    async def _ship_notice(
        self, channel: ChannelConfig, token: str, payload: dict[str, Any]
    ) -> None:
        """An 856 per dispatch, its interchange numbered by the queued update, so that a
        retry sends the very same document (the partner's 997 answers it)."""
        when = datetime.now(UTC).strftime("%Y%m%d%H%M")
        control = int(payload["update_id"])
        notice = Writer(self._edi_id, channel.shop, control, "SH", when)
        notice.add("856", ship_notice({**payload, "shipment_ref": f"ASN{control}"}, when))
        try:
            response = await self._http.post(
                str(channel.api_url),
                content=notice.text().encode(),
                headers={"X-Crossdock-Token": token, "content-type": "application/edi-x12"},
                timeout=10,
            )
        except httpx.HTTPError as exc:
            raise ChannelUnavailable(f"{channel.id}: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise ChannelUnavailable(f"{channel.id}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ChannelRejected(
                f"{channel.id}: HTTP {response.status_code}: {response.text[:300]}"
            )

    async def woo_refunds(self, channel: ChannelConfig, token: str, order_ref: str) -> list[Any]:
        """Every refund of a WooCommerce order, fetched from the channel's own API."""
        found = await self._call(
            channel, token, "GET", f"{WOO_API}/orders/{order_ref}/refunds", None
        )
        return list(found) if isinstance(found, list) else []

    async def _woo_note(self, channel: ChannelConfig, token: str, payload: dict[str, Any]) -> None:
        """Tracking as a customer note; an update that may have been sent before (its
        sender died or timed out) is looked for first, so a retry adds no second note."""
        note = f"Shipped with {payload['carrier']}, tracking {payload['tracking_number']}" + (
            f" ({payload['tracking_url']})" if payload.get("tracking_url") else ""
        )
        notes = f"{WOO_API}/orders/{payload['channel_order_ref']}/notes"
        if payload.get("maybe_sent"):
            existing = await self._call(channel, token, "GET", notes, None)
            if any(n.get("note") == note for n in existing if isinstance(n, dict)):
                return
        await self._call(channel, token, "POST", notes, {"note": note, "customer_note": True})

    async def _shopify_tracked(
        self, channel: ChannelConfig, token: str, ref: str, number: str
    ) -> bool:
        """Whether the order already has a fulfillment with this tracking number (each
        fulfillment carries one: https://shopify.dev/api/admin-rest/2025-01/resources/fulfillment)."""
        found = await self._call(
            channel, token, "GET", f"{SHOPIFY_API}/orders/{ref}/fulfillments.json", None
        )
        return any(
            f.get("status") != "cancelled"
            and (f.get("tracking_number") == number or number in (f.get("tracking_numbers") or []))
            for f in found.get("fulfillments", [])
        )

    async def _shopify_fulfilment(
        self, channel: ChannelConfig, token: str, payload: dict[str, Any]
    ) -> None:
        """A fulfillment per parcel. Shopify takes no idempotency key for it, so an
        update that may have been sent before is first looked for by its tracking number."""
        ref = payload["channel_order_ref"]
        if payload.get("maybe_sent") and await self._shopify_tracked(
            channel, token, ref, payload["tracking_number"]
        ):
            return
        found = await self._call(
            channel, token, "GET", f"{SHOPIFY_API}/orders/{ref}/fulfillment_orders.json", None
        )
        wanted = {str(item["line_ref"]): item["quantity"] for item in payload["line_items"]}
        by_order = _open_groups(found.get("fulfillment_orders", []), wanted)
        if not by_order:
            raise ChannelRejected(f"order {ref}: no open fulfilment order holds these lines")
        await self._call(
            channel,
            token,
            "POST",
            f"{SHOPIFY_API}/fulfillments.json",
            {
                "fulfillment": {
                    "line_items_by_fulfillment_order": by_order,
                    "tracking_info": {
                        "company": payload["carrier"],
                        "number": payload["tracking_number"],
                        "url": payload.get("tracking_url"),
                    },
                    "notify_customer": False,
                }
            },
        )

    async def _call(
        self, channel: ChannelConfig, token: str, method: str, path: str, body: Any
    ) -> Any:
        if channel.platform is Platform.SHOPIFY:
            auth: dict[str, Any] = {"headers": {"X-Shopify-Access-Token": token}}
        elif channel.platform is Platform.MARKETPLACE:
            auth = {"headers": {"Authorization": f"Bearer {token}"}}
        else:
            key, _, secret = token.partition(":")
            auth = {"auth": (key, secret)}
        try:
            response = await self._http.request(
                method, f"{channel.api_url}{path}", json=body, timeout=10, **auth
            )
        except httpx.HTTPError as exc:
            raise ChannelUnavailable(f"{channel.id}: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("retry-after", "")
            raise ChannelUnavailable(
                f"{channel.id}: HTTP {response.status_code}",
                float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None,
            )
        if response.status_code >= 400:
            raise ChannelRejected(
                f"{channel.id}: HTTP {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else {}


def _open_groups(fulfillment_orders: list[Any], wanted: dict[str, int]) -> list[dict[str, Any]]:
    """The parcel's lines, per open fulfillment order holding them (Shopify fulfils
    against fulfillment orders, not the order's own line items)."""
    groups = []
    for fulfillment_order in fulfillment_orders:
        if fulfillment_order.get("status") not in ("open", "in_progress"):
            continue
        items = [
            {"id": li["id"], "quantity": wanted[str(li["line_item_id"])]}
            for li in fulfillment_order.get("line_items", [])
            if str(li["line_item_id"]) in wanted
        ]
        if items:
            groups.append(
                {
                    "fulfillment_order_id": fulfillment_order["id"],
                    "fulfillment_order_line_items": items,
                }
            )
    return groups
