"""A BigCommerce order refunded (its `store/order/statusUpdated` to Refunded or Partially
Refunded, as the channel's mapping says): the hook names only the order, so its refunds
and products are read from the channel's configured API and each refund is accepted
once, by its id — a second status change, or a retry, adds no refund twice."""

import json
from typing import Any

import structlog
from fastapi import HTTPException

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.domain import order_id_for
from services.storefront_gateway.intake import handlers, repository
from services.storefront_gateway.intake.deps import IntakeParts
from services.storefront_gateway.intake.webhooks import (
    WebhookReceipt,
    accept_delivery,
    refunds_receipt,
)
from services.storefront_gateway.platforms import bigcommerce
from shared.deps import UowFactory

log = structlog.get_logger(__name__)


async def take_refunds(
    parts: IntakeParts,
    units: UowFactory,
    channel: ChannelConfig,
    order_ref: str,
    headers: dict[str, Any],
) -> WebhookReceipt:
    if channel.platform is not Platform.BIGCOMMERCE or channel.api_url is None:
        raise HTTPException(422, f"{channel.id}: refunds are read back from BigCommerce only")
    try:
        token = parts.channels.api_token(channel)
        found, products = await parts.channel_api().bigcommerce_refunds(channel, token, order_ref)
    except ConnectorError as exc:
        log.warning("refunds not fetched", channel=channel.id, error=str(exc))
        raise HTTPException(502, "could not fetch the refunds from the store") from exc
    async with units() as uow:
        order = await repository.channel_order(uow.connection, order_id_for(channel, order_ref))
    currency = str(order["currency"]) if order and order["currency"] else None
    receipts = []
    for raw in found:
        refund = bigcommerce.BigCommerceRefund.model_validate(raw)
        delivery = handlers.Delivery(
            channel.id, "bigcommerce", f"refund:{refund.id}", "refund", headers, _body(raw)
        )
        mapped = _mapper(refund, products, channel, currency)
        receipts.append(
            await accept_delivery(delivery, mapped, units(), parts.metrics, parts.group_commit)
        )
    return refunds_receipt(receipts)


def _mapper(
    refund: bigcommerce.BigCommerceRefund,
    products: list[dict[str, Any]],
    channel: ChannelConfig,
    currency: str | None,
) -> Any:
    return lambda: bigcommerce.map_refund(refund, products, channel, currency)


def _body(raw: dict[str, Any]) -> bytes:
    return json.dumps(raw).encode()
