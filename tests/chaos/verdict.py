"""What an invariant check returns, and what every check agrees on."""

from dataclasses import dataclass, field
from typing import Any

from tests.support.hub import SERVICES

SCHEMAS = [s.replace("-", "_") for s in SERVICES]
# Where an order may rest once the hub is quiet: every other status is on its way.
AT_REST = {
    "delivered",
    "rejected",
    "cancelled",
    "backordered",
    "fulfilment_failed",
    "returned",
    "held_for_approval",
}


@dataclass
class Verdict:
    name: str
    held: bool
    figures: dict[str, Any] = field(default_factory=dict)
