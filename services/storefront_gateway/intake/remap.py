"""Mapping a stored delivery again, whatever its platform — what replaying the quarantine
needs. The result is a mapper for the handler: it returns the canonical event, or raises
the MappingError that keeps the delivery quarantined with the new reason."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.storefront_gateway.channels import ChannelConfig, Channels
from services.storefront_gateway.domain import (
    MappedOrder,
    MappingError,
    fails,
    order_id_for,
    settled,
)
from services.storefront_gateway.edi.documents import purchase_order
from services.storefront_gateway.intake import amendments, payments, repository
from services.storefront_gateway.mapping import xref
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.platforms import shopify
from shared.x12.envelope import parse

Mapping = Callable[[], MappedOrder]


async def _purchase_order(body: bytes, channel: Any, conn: Any) -> MappedOrder:
    """An 850 is stored as `group|set|interchange`: read again, mapped again."""
    group, control, raw = body.decode().split("|", 2)
    interchange = parse(raw)
    found = [
        st
        for g in interchange.groups
        if g.control == group
        for st in g.sets
        if st.control == control
    ]
    if not found:
        raise MappingError(f"set {control} of group {group} is not in the stored interchange")

    async def resolve(system: str, identifier: str) -> str | None:
        return await xref.sku_for(conn, system, identifier)

    return await purchase_order(found[0], channel, resolve)


@dataclass(frozen=True)
class Stored:
    """A delivery as it was kept: its bytes, the door it came by, what it said it was."""

    body: bytes
    platform: str
    topic: str


async def remap(
    row: dict[str, Any], channels: Channels, mappers: dict[str, Mapper], conn: Any
) -> Mapping:
    channel = channels.by_id(row["channel"])
    if channel is None:
        return fails(f"channel {row['channel']!r} is no longer configured")
    stored = Stored(bytes(row["body"]), row["platform"], row["topic"])
    try:
        replay = REPLAYS.get(stored.platform)
        mapped = None if replay is None else await replay(stored, channel, mappers, conn)
    except MappingError as exc:
        return fails(str(exc))
    except (ValidationError, ValueError, KeyError) as exc:
        return fails(f"payload: {exc}")
    if mapped is None:
        return fails(
            f"{stored.platform} {stored.topic!r} deliveries are not replayed:"
            " have the platform send it again"
        )
    return settled(mapped)


# The topic a platform's delivery was kept under, and what its mapping makes of it.
KINDS = {
    "orders/create": "order",
    "orders/cancelled": "cancellation",
    "order.created": "order",
    "order.updated": "cancellation",
    "sale": "order",
}


async def _json(
    stored: Stored, channel: ChannelConfig, mappers: dict[str, Mapper], conn: Any
) -> MappedOrder:
    return await mappers[channel.id].map(json.loads(stored.body), channel)


async def _feed(
    stored: Stored, channel: ChannelConfig, mappers: dict[str, Mapper], conn: Any
) -> MappedOrder:
    return await mappers[f"feed:{stored.topic}"].map(json.loads(stored.body), channel)


async def _shopify(
    stored: Stored, channel: ChannelConfig, mappers: dict[str, Mapper], conn: Any
) -> MappedOrder | None:
    if stored.topic == "refunds/create":
        refund = shopify.ShopifyRefund.model_validate_json(stored.body)
        known = await repository.channel_order(conn, order_id_for(channel, str(refund.order_id)))
        currency = str(known["currency"]) if known and known["currency"] else None
        return shopify.map_refund(refund, channel, currency)
    return await _by_platform_mapping(stored, channel, mappers, conn)


async def _by_platform_mapping(
    stored: Stored, channel: ChannelConfig, mappers: dict[str, Mapper], conn: Any
) -> MappedOrder | None:
    """The channel's mapping (its own file, or its platform's) on the kept payload."""
    payload = json.loads(stored.body)
    mapper = mappers[channel.id]
    if stored.topic.endswith(amendments.TOPIC_SUFFIX):
        return (await amendments.mapping(mapper, channel, payload))()
    if _is_payment(stored, payload):
        paid = payments.payment_of(mapper, channel, payload)
        return paid() if paid is not None else None
    kind = KINDS.get(stored.topic)
    if kind is None:
        return None
    return await mapper.map(payload, channel, kind)


def _is_payment(stored: Stored, payload: Any) -> bool:
    """Shopify's paid and updated orders; a WooCommerce update that is no cancellation."""
    if stored.topic in payments.SHOPIFY_TOPICS:
        return True
    woo_update = stored.topic == "order.updated" and isinstance(payload, dict)
    return woo_update and payload.get("status") != "cancelled"


async def _edi(stored: Stored, channel: ChannelConfig, mappers: Any, conn: Any) -> MappedOrder:
    return await _purchase_order(stored.body, channel, conn)


Replay = Callable[[Stored, ChannelConfig, dict[str, Mapper], Any], Awaitable[MappedOrder | None]]
# Each door's way of mapping what it kept, again.
REPLAYS: dict[str, Replay] = {
    "json": _json,
    "feed": _feed,
    "shopify": _shopify,
    "woocommerce": _by_platform_mapping,
    "marketplace": _by_platform_mapping,
    "pos": _by_platform_mapping,
    "edi": _edi,
}
