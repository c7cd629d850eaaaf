"""Use cases of the accounting-poster: book sales when accepted, cost of goods when shipped.

A sale needs two facts that travel on different topics — the amounts (OrderPlaced) and
the acceptance (OrderStatusChanged to reserved) — so whichever arrives second posts it.
"""

import json
from typing import Any

from services.accounting_poster import repository
from services.accounting_poster.chart import Rules
from services.accounting_poster.domain import MissingCost, cogs_lines, refund_lines, sale_lines
from shared.db import UnitOfWork
from shared.events.fulfilment import ShipmentDispatched
from shared.events.orders import OrderPlaced, OrderStatus, OrderStatusChanged
from shared.events.returns import RefundIssued

REMEMBER_ORDER = "accounting-poster.remember-order"
NOTE_ACCEPTANCE = "accounting-poster.note-acceptance"
POST_COGS = "accounting-poster.post-cogs"


async def _post_sale(uow: UnitOfWork, order: OrderPlaced, rules: Rules) -> None:
    await repository.post(
        uow.connection,
        "sale",
        order.event_id,
        order.order_id,
        order.currency,
        f"sale {order.channel} {order.channel_order_name}",
        sale_lines(order, rules),
    )


async def remember_order(order: OrderPlaced, uow: UnitOfWork, rules: Rules) -> None:
    async with uow:
        if not await uow.inbox.claim(REMEMBER_ORDER, order.event_id):
            return
        if await repository.remember_placed(uow.connection, order):
            await _post_sale(uow, order, rules)
        await uow.commit()


async def post_refund(refund: RefundIssued, uow: UnitOfWork, rules: Rules) -> None:
    async with uow:
        if not await uow.inbox.claim(REMEMBER_ORDER, refund.event_id):
            return
        await repository.post(
            uow.connection,
            "refund",
            refund.event_id,
            refund.order_id,
            refund.currency,
            f"refund {refund.refund_ref} on {refund.channel} {refund.channel_order_ref}",
            refund_lines(refund, rules),
        )
        await uow.commit()


async def note_acceptance(change: OrderStatusChanged, uow: UnitOfWork, rules: Rules) -> None:
    if change.to_status is not OrderStatus.RESERVED:
        return
    async with uow:
        if not await uow.inbox.claim(NOTE_ACCEPTANCE, change.event_id):
            return
        order = await repository.remember_reserved(uow.connection, change.order_id)
        if order is not None:
            await _post_sale(uow, order, rules)
        await uow.commit()


async def post_cogs(dispatch: ShipmentDispatched, uow: UnitOfWork, rules: Rules) -> None:
    """Cost of goods for what left; parked with the reason when a unit cost is unknown."""
    async with uow:
        if not await uow.inbox.claim(POST_COGS, dispatch.event_id):
            return
        await _try_cogs(uow, dispatch, rules)
        await uow.commit()


async def _try_cogs(uow: UnitOfWork, dispatch: ShipmentDispatched, rules: Rules) -> bool:
    shipped = {line.sku: line.quantity for line in dispatch.lines}
    currency = await _order_currency(uow, dispatch)
    costs = await repository.unit_costs(uow.connection, sorted(shipped), currency)
    try:
        lines = cogs_lines(shipped, costs, rules)
    except MissingCost as exc:
        payload = json.loads(dispatch.model_dump_json())
        await repository.park(uow.connection, dispatch.event_id, "cogs", payload, str(exc))
        return False
    if lines:
        await repository.post(
            uow.connection,
            "cogs",
            dispatch.event_id,
            dispatch.order_id,
            currency,
            f"cost of goods, dispatch {dispatch.dispatch_id}",
            lines,
        )
    return True


async def _order_currency(uow: UnitOfWork, dispatch: ShipmentDispatched) -> str:
    placed: Any = await uow.connection.fetchval(
        "SELECT placed FROM sales WHERE order_id = $1", dispatch.order_id
    )
    if not placed:
        raise LookupError(f"dispatch of order {dispatch.order_id} before its amounts are known")
    return str(placed["currency"])


async def retry_parked(uow: UnitOfWork, rules: Rules) -> int:
    """Posts what can now be posted (after a cost was set); returns how many."""
    posted = 0
    async with uow:
        for parked in await repository.parked(uow.connection, lock=True):
            dispatch = ShipmentDispatched.model_validate(parked["payload"])
            if await _try_cogs(uow, dispatch, rules):
                await repository.unpark(uow.connection, dispatch.event_id)
                posted += 1
        await uow.commit()
    return posted


async def set_cost(sku: str, currency: str, cost_minor: int, uow: UnitOfWork, rules: Rules) -> int:
    async with uow:
        await repository.set_cost(uow.connection, sku, currency, cost_minor)
        await uow.commit()
    return await retry_parked(uow, rules)
