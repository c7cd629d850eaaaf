"""Pure rules of channel stock: what a channel may sell, and in which order to tell it."""

import math
from decimal import Decimal

from services.storefront_gateway.channels import Buffer


def held_back(total: int, buffer: Buffer) -> int:
    """Units kept from the channel: a fixed number, or a percentage rounded up (a 10%
    buffer on 3 units holds 1 back, never 0.3)."""
    if isinstance(buffer, int):
        return buffer
    percent = Decimal(buffer.removesuffix("%"))
    return math.ceil(Decimal(total) * percent / 100) if total > 0 else 0


def available_to_sell(total_available: int, buffer: Buffer) -> int:
    """What the channel shows: never negative, whatever the buffer or the ledger say."""
    return max(0, total_available - held_back(total_available, buffer))
