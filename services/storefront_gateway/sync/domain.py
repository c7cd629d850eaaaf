"""Pure rules of channel stock: what a channel may sell, and what its own reports mean."""

import math
from datetime import datetime
from decimal import Decimal
from typing import Any

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


def level_verdict(
    available: int | None, told: dict[str, Any] | None, updated_at: datetime
) -> tuple[str, str]:
    """What a channel's own report of its level means where the hub sets the quantity:
    (verdict, reason). Only `drift` calls for a correction; the channel's report of a
    quantity the hub set (its echo) or of a time before the hub's last push is in step."""
    if available is None:
        return "untracked", "the store does not track this item: no count (never taken as 0)"
    if told is None or told["pushed"] is None:
        return "not_synced", "the hub has not set this SKU on the channel yet"
    if told["desired_version"] > told["pushed_version"]:
        return "pending", "the hub's next quantity is on its way"
    if available == told["pushed"]:
        return "in_step", "the quantity the hub set"
    # Shopify gives the level's time to the second: only a report from an earlier second
    # than the hub's last push is surely older than it.
    if told["pushed_at"] is not None and updated_at < told["pushed_at"].replace(microsecond=0):
        return "in_step", "a level from before the hub's last push"
    return "drift", f"the store shows {available}, the hub set {told['pushed']}"
