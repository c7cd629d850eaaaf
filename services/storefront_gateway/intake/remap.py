"""Mapping a stored delivery again, whatever its platform — what replaying the quarantine
needs. The result is a mapper for the handler: it returns the canonical event, or raises
the MappingError that keeps the delivery quarantined with the new reason."""

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.domain import (
    MappedOrder,
    MappingError,
    fails,
    order_id_for,
    settled,
)
from services.storefront_gateway.edi.documents import purchase_order
from services.storefront_gateway.edi.x12 import parse
from services.storefront_gateway.intake import repository
from services.storefront_gateway.mapping import xref
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.platforms import marketplace, pos, shopify, woocommerce

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


async def remap(
    row: dict[str, Any], channels: Channels, mappers: dict[str, Mapper], conn: Any
) -> Mapping:
    channel = channels.by_id(row["channel"])
    if channel is None:
        return fails(f"channel {row['channel']!r} is no longer configured")
    body, platform, topic = bytes(row["body"]), row["platform"], row["topic"]
    try:
        if platform == "json":
            return settled(await mappers[channel.id].map(json.loads(body), channel))
        if platform == "shopify" and topic == "refunds/create":
            refund = shopify.ShopifyRefund.model_validate_json(body)
            known = await repository.channel_order(
                conn, order_id_for(channel, str(refund.order_id))
            )
            currency = str(known["currency"]) if known and known["currency"] else None
            return settled(shopify.map_refund(refund, channel, currency))
        if channel.id in mappers and topic in ("orders/create", "order.created", "sale"):
            return settled(await mappers[channel.id].map(json.loads(body), channel, "order"))
        cancelling = topic in ("orders/cancelled", "order.updated")
        own = mappers.get(channel.id)
        if own is not None and cancelling and own.spec.cancellation is not None:
            return settled(await own.map(json.loads(body), channel, "cancellation"))
        if platform == "shopify":
            order = shopify.ShopifyOrder.model_validate_json(body)
            by_topic = {
                "orders/create": shopify.map_order,
                "orders/cancelled": shopify.map_cancellation,
            }
            return settled(by_topic[topic](order, channel))
        if platform == "woocommerce" and topic in ("order.created", "order.updated"):
            woo = woocommerce.WooOrder.model_validate_json(body)
            mapper = (
                woocommerce.map_cancellation if topic == "order.updated" else woocommerce.map_order
            )
            return settled(mapper(woo, channel))
        if platform == "marketplace":
            return settled(
                marketplace.map_order(
                    marketplace.MarketplaceOrder.model_validate_json(body), channel
                )
            )
        if platform == "feed":
            return settled(await mappers[f"feed:{topic}"].map(json.loads(body), channel))
        if platform == "edi":
            return settled(await _purchase_order(body, channel, conn))
        if platform == "pos":
            return settled(pos.map_sale(pos.PosSale.model_validate_json(body), channel))
    except MappingError as exc:
        return fails(str(exc))
    except (ValidationError, ValueError, KeyError) as exc:
        return fails(f"payload: {exc}")
    return fails(
        f"{platform} {topic!r} deliveries are not replayed: have the platform send it again"
    )
