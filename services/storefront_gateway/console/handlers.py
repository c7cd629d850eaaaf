"""The console's use cases: each page's reads, gathered from the services that own the
data (in parallel where they are independent), and what a missing service means for
the page — a panel that says so, never a blank page."""

import asyncio
from typing import Any
from uuid import UUID

from services.storefront_gateway.connectors.errors import Unavailable
from services.storefront_gateway.connectors.hub import SERVICES, HubApi, HubRefused
from services.storefront_gateway.console import domain, flow


async def _or_problem(call: Any) -> tuple[Any, str | None]:
    """(the answer, None) or (None, why it could not be had)."""
    try:
        return await call, None
    except HubRefused as exc:
        return None, f"{exc.service} answered {exc.status}: {exc.detail}"
    except Unavailable as exc:
        return None, f"unreachable: {exc}"


async def search(api: HubApi, number: str, channel: str, email: str) -> dict[str, Any]:
    """Orders by the channel's number or the customer's email (a Crossdock id goes
    straight to its order: the route redirects before this)."""
    params: dict[str, Any] = {"limit": 50}
    if number:
        params["number"] = number
    if channel:
        params["channel"] = channel
    if email:
        params["email"] = email
    if not (number or email):
        return {"orders": [], "problem": None, "searched": False}
    found, problem = await _or_problem(api.get("order-router", "/orders", **params))
    return {"orders": (found or {}).get("orders", []), "problem": problem, "searched": True}


async def order(api: HubApi, order_id: UUID) -> dict[str, Any] | None:
    """The order, its journey, shipments and journal entries; None: no such order."""
    try:
        found = await api.get("order-router", f"/orders/{order_id}")
    except HubRefused as exc:
        if exc.status == 404:
            return None
        raise
    journal, journal_problem = await _or_problem(
        api.get("accounting-poster", "/journal", order_id=str(order_id))
    )
    timeline = found.get("timeline", [])
    placed_at = str(timeline[0]["occurred_at"]) if timeline else None
    return {
        "order": found,
        "journey": domain.journey(found["status"], timeline, placed_at),
        "off_path": found["status"] in domain.DETOURS,
        "entries": (journal or {}).get("entries", []),
        "journal_problem": journal_problem,
    }


async def stock(api: HubApi, sku: str) -> dict[str, Any]:
    """The ledger's per-location stock and what each channel shows of it."""
    ledger, channels = await asyncio.gather(
        _or_problem(api.get("inventory-ledger", f"/stock/{sku}")),
        _or_problem(api.get("storefront-gateway", f"/channel-stock/{sku}")),
    )
    rows = (channels[0] or {}).get("channels", [])
    return {
        "sku": sku,
        "ledger": ledger[0],
        "ledger_problem": ledger[1],
        "channels": [domain.channel_view(r) for r in rows],
        "channels_problem": channels[1],
    }


async def dead_letters(api: HubApi) -> list[dict[str, Any]]:
    """Every service's dead letters not yet replayed, per service."""
    answers = await asyncio.gather(*(_or_problem(api.get(s, "/dead-letters")) for s in SERVICES))
    panels = []
    for service, (found, problem) in zip(SERVICES, answers, strict=True):
        letters = [x for x in (found or {}).get("letters", []) if not x.get("replayed")]
        panels.append({"service": service, "letters": letters, "problem": problem})
    return panels


async def problems(api: HubApi) -> dict[str, Any]:
    """Everything waiting on a person, in one queue, each part from its owner."""
    attention = {"status": list(ATTENTION)}
    quarantine, parked, rejected, held, pushes, letters = await asyncio.gather(
        _or_problem(api.get("storefront-gateway", "/quarantine")),
        _or_problem(api.get("accounting-poster", "/parked")),
        _or_problem(api.get("accounting-poster", "/exports", status="rejected")),
        _or_problem(api.get("order-router", "/orders", **attention)),
        _or_problem(api.get("storefront-gateway", "/channel-pushes/failing")),
        dead_letters(api),
    )
    return {
        "quarantine": quarantine[0],
        "quarantine_problem": quarantine[1],
        "parked": (parked[0] or {}).get("parked", []),
        "parked_problem": parked[1],
        "rejected_exports": rejected[0],
        "rejected_problem": rejected[1],
        "held": (held[0] or {}).get("orders", []),
        "held_problem": held[1],
        "pushes": (pushes[0] or {}).get("failing", []),
        "pushes_problem": pushes[1],
        "dead_letters": letters,
    }


ATTENTION = ("awaiting_payment", "held_for_approval", "backordered", "fulfilment_failed")


async def delivery(api: HubApi, delivery_id: UUID) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = await api.get("storefront-gateway", f"/quarantine/{delivery_id}")
    except HubRefused as exc:
        if exc.status == 404:
            return None
        raise
    return found


async def dead_letter(api: HubApi, service: str, offset: int) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = await api.get(service, f"/dead-letters/{offset}")
    except HubRefused as exc:
        if exc.status == 404:
            return None
        raise
    return found


async def _metrics(api: HubApi, service: str) -> dict[str, Any]:
    text, problem = await _or_problem(api.text(service, "/metrics"))
    if text is None:
        return {"service": service, "problem": problem}
    return {
        "service": service,
        "problem": None,
        "outbox_backlog": flow.gauge_sum(text, "crossdock_outbox_backlog"),
        "dead_letters": flow.gauge_sum(text, "crossdock_dead_letters_total"),
        "text": text,
    }


async def flow_page(api: HubApi, minutes: int) -> dict[str, Any]:
    """Orders per minute by channel and placed → reserved from the order-router; backlog,
    dead letters and stock → channel latency from the services' own metrics."""
    orders, *services = await asyncio.gather(
        _or_problem(api.get("order-router", "/orders/flow", minutes=minutes)),
        *(_metrics(api, s) for s in SERVICES),
    )
    found = orders[0] or {"per_minute": [], "placed_to_reserved": {}}
    gateway: dict[str, Any] = next(
        (s for s in services if s["service"] == "storefront-gateway"), {}
    )
    text = gateway.get("text") or ""
    lag = "crossdock_channel_stock_lag_seconds"
    return {
        "minutes": minutes,
        "chart": flow.bars(found["per_minute"]),
        "total": sum(int(r["orders"]) for r in found["per_minute"]),
        "reserved": found["placed_to_reserved"],
        "orders_problem": orders[1],
        "services": [{k: v for k, v in s.items() if k != "text"} for s in services],
        "stock_lag": {"p50": flow.quantile(text, lag, 0.5), "p99": flow.quantile(text, lag, 0.99)},
    }
