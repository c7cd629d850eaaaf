"""The console's pages: orders (search, one order's journey), stock per SKU and channel,
every problem in one queue, and each problem's raw payload on demand. Each page reads
the services that own its data, on the operator's own token."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.storefront_gateway.connectors.hub import SERVICES
from services.storefront_gateway.console import domain, handlers
from services.storefront_gateway.console.deps import Api
from services.storefront_gateway.console.pages import page
from services.storefront_gateway.console.session import OperatorSession

router = APIRouter(prefix="/console", tags=["ops console"])
Text = Annotated[str, Query(max_length=320)]


@router.get("", response_class=HTMLResponse, response_model=None)
async def home(session: OperatorSession) -> Response:
    return RedirectResponse("/console/problems", status_code=303)


@router.get("/orders", response_class=HTMLResponse, response_model=None)
async def orders(
    session: OperatorSession, api: Api, q: Text = "", channel: Text = "", email: Text = ""
) -> Response:
    """Search: a Crossdock id opens its order; a number (with its channel, or across
    channels) or a customer's email lists the orders."""
    order_id = domain.as_uuid(q)
    if order_id is not None:
        return RedirectResponse(f"/console/orders/{order_id}", status_code=303)
    found = await handlers.search(api, q.strip(), channel.strip(), email.strip())
    return page("orders.html", session=session, q=q, channel=channel, email=email, **found)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def order(order_id: UUID, session: OperatorSession, api: Api) -> HTMLResponse:
    shown = await handlers.order(api, order_id)
    if shown is None:
        return page("missing.html", 404, session=session, what=f"No order {order_id}.")
    return page("order.html", session=session, **shown)


@router.get("/stock", response_class=HTMLResponse)
async def stock(
    session: OperatorSession, api: Api, sku: Annotated[str, Query(max_length=64)] = ""
) -> HTMLResponse:
    shown = await handlers.stock(api, sku.strip()) if sku.strip() else None
    return page("stock.html", session=session, sku=sku, shown=shown)


@router.get("/problems", response_class=HTMLResponse)
async def problems(session: OperatorSession, api: Api) -> HTMLResponse:
    return page("problems.html", session=session, **await handlers.problems(api))


@router.get("/problems/deliveries/{delivery_id}", response_class=HTMLResponse)
async def delivery(delivery_id: UUID, session: OperatorSession, api: Api) -> HTMLResponse:
    """A quarantined delivery as it arrived: its reason, headers and raw payload."""
    found = await handlers.delivery(api, delivery_id)
    if found is None:
        return page("missing.html", 404, session=session, what=f"No delivery {delivery_id}.")
    return page("delivery.html", session=session, delivery=found)


@router.get("/problems/dead-letters/{service}/{offset}", response_class=HTMLResponse)
async def dead_letter(
    service: Annotated[str, Path(max_length=40)],
    offset: Annotated[int, Path(ge=0)],
    session: OperatorSession,
    api: Api,
) -> HTMLResponse:
    if service not in SERVICES:
        raise HTTPException(404, f"no service {service}")
    found = await handlers.dead_letter(api, service, offset)
    if found is None:
        return page("missing.html", 404, session=session, what=f"No dead letter {offset}.")
    return page("dead_letter.html", session=session, service=service, letter=found)


@router.get("/flow", response_class=HTMLResponse)
async def flow(
    session: OperatorSession, api: Api, minutes: Annotated[int, Query(ge=5, le=1440)] = 60
) -> HTMLResponse:
    """Orders per minute by channel, latencies and backlogs, from the hub's own figures."""
    return page("flow.html", session=session, **await handlers.flow_page(api, minutes))
