"""A platform's payload through the mapping Crossdock maps it by (the platform's
built-in mapping file), for unit tests of what that mapping makes of it."""

import asyncio
from typing import Any

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import MappedOrder
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.mapping.loading import built_in_mapping


def by_platform(payload: Any, channel: ChannelConfig, kind: str = "order") -> MappedOrder:
    spec = built_in_mapping(channel.platform)
    assert spec is not None, f"{channel.platform} has no built-in mapping"
    return asyncio.run(Mapper(spec).map(payload, channel, kind))
