"""Use cases of the accounting-poster: book sales when they are revenue, cost of goods
when shipped.

A sale needs facts that travel on different topics — the amounts (OrderPlaced), the
acceptance (OrderStatusChanged to reserved), the payment (OrderPaid), the first parcel
(ShipmentDispatched) — and the chart's `recognise` policy says which count; whichever
completes them posts it (domain.recognised).
"""

import json
from typing import Any
from uuid import UUID

from services.accounting_poster import repository
from services.accounting_poster import sales_repository as sales
from services.accounting_poster.chart import Rules
from services.accounting_poster.domain import (
    MissingCost,
    cogs_lines,
    recognised,
    refund_lines,
    sale_lines,
    void_lines,
)
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentDispatched
from shared.events.inventory import StockHandedOver
from shared.events.orders import (
    OrderPaid,
    OrderPlaced,
    OrderStatus,
    OrderStatusChanged,
    PaymentState,
)
from shared.events.returns import RefundIssued, ReturnReceived

REMEMBER_ORDER = "accounting-poster.remember-order"
NOTE_ACCEPTANCE = "accounting-poster.note-acceptance"
POST_COGS = "accounting-poster.post-cogs"
POST_COUNTER_COGS = "accounting-poster.post-counter-cogs"


async def _post_sale(uow: UnitOfWork, order: OrderPlaced, chart_rules: Rules) -> None:
    rules = chart_rules.for_channel(order.channel)
    if order.customer_company:
        yearly = rules.invoice_numbers == "yearly"
        await repository.issue_invoice(uow.connection, order, yearly)
    await repository.post(
        uow.connection,
        "sale",
        order.event_id,
        order.order_id,
        order.currency,
        f"sale {order.channel} {order.channel_order_name}",
        sale_lines(order, rules),
        exports_to=rules.exports_to,
    )


async def remember_order(order: OrderPlaced, uow: UnitOfWork, rules: Rules) -> None:
    async with uow:
        if not await uow.inbox.claim(REMEMBER_ORDER, order.event_id):
            return
        await sales.remember_placed(uow.connection, order)
        await _try_sale(uow, order.order_id, rules)
        waiting = await repository.parked_for_order(uow.connection, order.order_id)
        await _post_parked(uow, waiting, rules)
        await uow.commit()


async def post_refund(refund: RefundIssued, uow: UnitOfWork, rules: Rules) -> None:
    """The refund in reverse, each line's tax to its rate's account; nothing for an order
    whose cancellation already reversed its sale (what it paid back is in that void)."""
    async with uow:
        if not await uow.inbox.claim(REMEMBER_ORDER, refund.event_id):
            return
        conn = uow.connection
        rules = rules.for_channel(refund.channel)
        if not await sales.voided(conn, refund.order_id):
            rates, shipping_rate = await sales.tax_rates(conn, refund.order_id)
            await repository.post(
                conn,
                "refund",
                refund.event_id,
                refund.order_id,
                refund.currency,
                f"refund {refund.refund_ref} on {refund.channel} {refund.channel_order_ref}",
                refund_lines(refund, rules, rates, shipping_rate),
                resource=refund.refund_ref,
                exports_to=rules.exports_to,
            )
        await uow.commit()


async def note_acceptance(change: OrderStatusChanged, uow: UnitOfWork, rules: Rules) -> None:
    """Reserved: the sale is booked (once its amounts are known). Cancelled: a posted sale
    is reversed exactly, less what its refunds reversed; one not posted never will be."""
    if change.to_status not in (OrderStatus.RESERVED, OrderStatus.CANCELLED):
        return
    async with uow:
        if not await uow.inbox.claim(NOTE_ACCEPTANCE, change.event_id):
            return
        if change.to_status is OrderStatus.CANCELLED:
            await _void(uow, change, rules.for_channel(change.channel))
        else:
            await sales.note(uow.connection, change.order_id, "reserved")
            await _try_sale(uow, change.order_id, rules)
        await uow.commit()


async def note_payment(paid: OrderPaid, uow: UnitOfWork, rules: Rules) -> None:
    """The channel says the order is paid: revenue now, where the policy waited for it."""
    async with uow:
        if not await uow.inbox.claim(REMEMBER_ORDER, paid.event_id):
            return
        if paid.payment is PaymentState.PAID:
            await sales.note(uow.connection, paid.order_id, "paid")
            await _try_sale(uow, paid.order_id, rules)
        await uow.commit()


async def _try_sale(uow: UnitOfWork, order_id: UUID, rules: Rules) -> None:
    """Posts the sale once what the chart's policy waits for is known."""
    sale = await sales.facts(uow.connection, order_id)
    policy = (
        rules.for_channel(sale["placed"]["channel"]).recognise if sale and sale["placed"] else ""
    )
    if sale is not None and recognised(policy, sale):
        await _post_sale(uow, OrderPlaced.model_validate(sale["placed"]), rules)


async def _void(uow: UnitOfWork, change: OrderStatusChanged, rules: Rules) -> None:
    conn = uow.connection
    currency = await sales.cancel(conn, change.order_id)
    if currency is None:
        return  # never posted: nothing to reverse
    lines = void_lines(await sales.sale_and_refunds(conn, change.order_id), "order cancelled")
    if lines:
        memo = f"void: order cancelled ({change.reason or 'no reason given'})"
        await repository.post(
            conn, "void", change.event_id, change.order_id, currency, memo, lines,
            exports_to=rules.exports_to,
        )  # fmt: skip


async def post_cogs(dispatch: ShipmentDispatched, uow: UnitOfWork, rules: Rules) -> None:
    """Cost of goods for what left; parked with the reason when a unit cost is unknown."""
    async with uow:
        if not await uow.inbox.claim(POST_COGS, dispatch.event_id):
            return
        await sales.note(uow.connection, dispatch.order_id, "shipped")
        await _try_sale(uow, dispatch.order_id, rules)
        await _try_cogs(uow, dispatch, rules)
        await uow.commit()


async def post_cogs_back(received: ReturnReceived, uow: UnitOfWork, rules: Rules) -> None:
    """Sellable goods back in stock take their cost out of cost of goods sold again."""
    async with uow:
        if not await uow.inbox.claim(POST_COGS, received.event_id):
            return
        await _try_cogs(uow, received, rules)
        await uow.commit()


async def post_counter_cogs(handed: StockHandedOver, uow: UnitOfWork, rules: Rules) -> None:
    """A counter sale's goods left the store: cost of goods, as for a dispatch."""
    async with uow:
        if not await uow.inbox.claim(POST_COUNTER_COGS, handed.event_id):
            return
        await sales.note(uow.connection, handed.order_id, "shipped")
        await _try_sale(uow, handed.order_id, rules)
        await _try_cogs(uow, handed, rules)
        await uow.commit()


GoodsMoved = ShipmentDispatched | ReturnReceived | StockHandedOver


def _movement(moved: GoodsMoved) -> tuple[dict[str, int], bool, str]:
    """Units whose cost moves, whether they came back, and the entry's memo."""
    quantities: dict[str, int] = {}
    if isinstance(moved, ReturnReceived):
        for line in moved.lines:
            if line.condition == "sellable":
                quantities[line.sku] = quantities.get(line.sku, 0) + line.quantity
        return quantities, True, f"goods returned to stock ({moved.return_id})"
    if isinstance(moved, StockHandedOver):
        for allocation in moved.handed_over:
            quantities[allocation.sku] = quantities.get(allocation.sku, 0) + allocation.quantity
        return quantities, False, "cost of goods, counter sale"
    for shipped in moved.lines:
        quantities[shipped.sku] = quantities.get(shipped.sku, 0) + shipped.quantity
    return quantities, False, f"cost of goods, dispatch {moved.dispatch_id}"


AWAITING_ORDER = "waiting for the order's amounts (its OrderPlaced has not arrived yet)"


async def _park(uow: UnitOfWork, moved: GoodsMoved, reason: str) -> None:
    payload = json.loads(moved.model_dump_json())
    await repository.park(uow.connection, moved.event_id, moved.event_type, payload, reason)


async def _try_cogs(uow: UnitOfWork, moved: GoodsMoved, rules: Rules) -> bool:
    """Posts the cost of goods moved; parks it (False) while a unit cost is unknown or
    the order's amounts have not arrived: the two travel on different topics, read by
    different consumer groups, so a dispatch may well be read first."""
    quantities, back, memo = _movement(moved)
    known = await repository.order_of(uow.connection, moved.order_id)
    if known is None:
        await _park(uow, moved, AWAITING_ORDER)
        return False
    currency, channel = known
    rules = rules.for_channel(channel)
    costs = await repository.unit_costs(uow.connection, sorted(quantities), currency)
    try:
        lines = cogs_lines(quantities, costs, rules, back=back)
    except MissingCost as exc:
        await _park(uow, moved, str(exc))
        return False
    if lines:
        await repository.post(
            uow.connection, "cogs", moved.event_id, moved.order_id, currency, memo, lines,
            exports_to=rules.exports_to,
        )  # fmt: skip
    return True


PARKABLE: dict[str, type[GoodsMoved]] = {
    "ShipmentDispatched": ShipmentDispatched,
    "cogs": ShipmentDispatched,  # parked before postings were named by their event
    "ReturnReceived": ReturnReceived,
    "StockHandedOver": StockHandedOver,
}


async def retry_parked(uow: UnitOfWork, rules: Rules) -> int:
    """Posts what can now be posted (after a cost was set); returns how many."""
    async with uow:
        posted = await _post_parked(uow, await repository.parked(uow.connection, lock=True), rules)
        await uow.commit()
    return posted


async def _post_parked(uow: UnitOfWork, parked: list[dict[str, Any]], rules: Rules) -> int:
    posted = 0
    for row in parked:
        moved = PARKABLE.get(row["kind"], ShipmentDispatched).model_validate(row["payload"])
        if await _try_cogs(uow, moved, rules):
            await repository.unpark(uow.connection, moved.event_id)
            posted += 1
    return posted


async def set_cost(sku: str, currency: str, cost_minor: int, uow: UnitOfWork, rules: Rules) -> int:
    async with uow:
        await repository.set_cost(uow.connection, sku, currency, cost_minor)
        await uow.commit()
    return await retry_parked(uow, rules)
