"""Use case: order exports from a system without an API (a CSV file of order lines).

Rows are grouped by the feed's order column; each order — `{"order": its first row,
"lines": all its rows}` — is mapped by the feed's mapping file and accepted like any
channel's delivery, once (by feed and order reference): published, or quarantined with
the exact reason (and replayable) while the file's other orders go through. The report
names the lines of every order that did not.
"""

import json
from collections.abc import Callable

from services.storefront_gateway.channels import Channels
from services.storefront_gateway.intake import handlers
from services.storefront_gateway.intake.webhooks import accept_delivery
from services.storefront_gateway.mapping.engine import Mapper
from shared.csvfeed import FeedReport, Row, rows
from shared.db import UnitOfWork
from shared.feeds import FeedConfig, Process
from shared.metrics import ServiceMetrics


def order_feed(
    channels: Channels,
    mappers: dict[str, Mapper],
    uow_factory: Callable[[], UnitOfWork],
    metrics: ServiceMetrics,
) -> Process:
    async def take_orders(feed: FeedConfig, name: str, data: bytes, _: UnitOfWork) -> FeedReport:
        channel = channels.by_id(feed.channel or "")
        if channel is None:
            raise ValueError(f"feed {feed.id}: channel {feed.channel!r} is not configured")
        mapper = mappers[f"feed:{feed.id}"]
        report = FeedReport()
        orders: dict[str, list[Row]] = {}
        for row in rows(data, (feed.group_by,), report):
            if not row.values[feed.group_by]:
                report.problem(row.line, f"{feed.group_by}: empty")
                continue
            orders.setdefault(row.values[feed.group_by], []).append(row)
        for ref, lines in orders.items():
            document = {"order": lines[0].values, "lines": [r.values for r in lines]}
            mapped = await mapper.attempt(document, channel)
            delivery = handlers.Delivery(
                channel.id,
                "feed",
                f"feed:{feed.id}:{ref}",
                feed.id,
                {"file": name},
                json.dumps(document).encode(),
            )
            receipt = await accept_delivery(delivery, mapped, uow_factory(), metrics)
            where = ", ".join(str(r.line) for r in lines)
            if receipt.status == "accepted":
                report.applied += 1
            elif receipt.status == "duplicate":
                report.skip(lines[0].line, f"order {ref} was taken before (lines {where})")
            else:
                report.problem(lines[0].line, f"order {ref} (lines {where}): {receipt.reason}")
        return report

    return take_orders
