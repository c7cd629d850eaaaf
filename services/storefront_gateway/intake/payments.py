"""The channel's word that an order is now paid: Shopify `orders/paid` and
`orders/updated`, WooCommerce `order.updated` to processing. It becomes OrderPaid once
per order (its effect), and only when the payment state is one the channel's policy
routes (`route_on_payment`); the order-router holds a waiting order until then. Other
updates change nothing here (their receipt says so)."""

from collections.abc import Callable
from typing import Any

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    MappedOrder,
    MappingError,
    fails,
    order_id_for,
    settled,
)
from services.storefront_gateway.mapping.engine import Mapper
from shared.events.orders import OrderPaid
from shared.requests import correlation_id

SHOPIFY_TOPICS = frozenset({"orders/paid", "orders/updated"})


def payment_of(
    mapper: Mapper, channel: ChannelConfig, payload: Any
) -> Callable[[], MappedOrder] | None:
    """OrderPaid for the payload's order; None when its payment routes nothing yet."""
    try:
        ref = mapper.ref(payload)
        state = mapper.payment(payload)
    except MappingError as exc:
        return fails(str(exc))
    if state is None or state not in channel.route_on_payment:
        return None
    paid = OrderPaid(
        correlation_id=correlation_id(),
        order_id=order_id_for(channel, ref),
        channel=channel.id,
        channel_order_ref=ref,
        payment=state,
    )
    return settled(MappedOrder(paid))
