"""What intake's routes need from the running gateway, resolved from the app (set by
`app.py` when it builds the app), so the routes are plain module-level functions."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.connectors.channel_api import ChannelApi
from services.storefront_gateway.mapping.engine import Mapper, Resolve
from shared.group_commit import GroupCommit
from shared.metrics import ServiceMetrics


@dataclass(frozen=True)
class IntakeParts:
    channels: Channels
    mappers: dict[str, Mapper]  # per channel (and per order feed), the loaded mapping
    resolve: Resolve  # a channel's item identifier to our SKU (cross-references)
    metrics: ServiceMetrics
    max_body_bytes: int  # a partner's delivery is refused (413) beyond this
    edi_id: str  # our X12 interchange id
    channel_api: Callable[[], ChannelApi]  # the running gateway's, once it has started
    http: Callable[[], httpx.AsyncClient]  # its HTTP client, for thin webhooks' fetches
    group_commit: GroupCommit  # deliveries arriving together share one durable commit


async def intake_parts(request: Request) -> IntakeParts:
    parts: IntakeParts = request.app.state.intake
    return parts


Parts = Annotated[IntakeParts, Depends(intake_parts)]
