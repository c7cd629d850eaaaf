"""HTTP API of the accounting-poster: the journal, the trial balance, costs, parked postings."""

from collections import defaultdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from services.accounting_poster import export_repository, handlers, repository
from services.accounting_poster.chart import Rules
from services.accounting_poster.invoices import invoice_html
from services.accounting_poster.oauth import replace_refresh_token
from shared.auth import require_admin
from shared.db import UnitOfWork
from shared.deps import Uow


class UnitCost(BaseModel):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    cost_minor: int = Field(ge=0, description="Cost of one unit, in minor units.")


router = APIRouter(tags=["books"])


async def posting_rules(request: Request) -> Rules:
    """The chart's posting rules, as the app was built with them."""
    rules: Rules = request.app.state.rules
    return rules


PostingRules = Annotated[Rules, Depends(posting_rules)]


@router.get("/journal")
async def journal(order_id: UUID, uow: Uow) -> dict[str, Any]:
    async with uow:
        entries = await repository.journal(uow.connection, order_id)
    return {"order_id": order_id, "entries": entries}


@router.get("/trial-balance")
async def trial_balance(uow: Uow) -> dict[str, Any]:
    async with uow:
        rows = await repository.trial_balance(uow.connection)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"debit": 0, "credit": 0})
    for row in rows:
        totals[row["currency"]]["debit"] += int(row["debit_minor"])
        totals[row["currency"]]["credit"] += int(row["credit_minor"])
    return {
        "accounts": rows,
        "totals": totals,
        "balanced": all(t["debit"] == t["credit"] for t in totals.values()),
    }


@router.put("/costs/{sku}", dependencies=[Depends(require_admin)])
async def put_cost(
    sku: Annotated[str, Path(max_length=64)], body: UnitCost, uow: Uow, rules: PostingRules
) -> dict[str, Any]:
    posted = await handlers.set_cost(sku, body.currency, body.cost_minor, uow, rules)
    return {"sku": sku, **body.model_dump(), "parked_postings_now_posted": posted}


@router.get("/parked")
async def parked(uow: Uow) -> dict[str, Any]:
    async with uow:
        rows = await repository.parked(uow.connection)
    return {"parked": [{k: v for k, v in r.items() if k != "payload"} for r in rows]}


@router.get("/invoices/{order_id}")
async def get_invoice(order_id: UUID, uow: Uow) -> dict[str, Any]:
    """The invoice of a B2B order, as a document."""
    return await _invoice(order_id, uow)


@router.get("/invoices/{order_id}/html", response_class=HTMLResponse)
async def print_invoice(order_id: UUID, uow: Uow) -> str:
    """The same invoice, ready to print (or save as PDF from a browser)."""
    return invoice_html(await _invoice(order_id, uow))


async def _invoice(order_id: UUID, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        document = await repository.invoice(uow.connection, order_id)
    if document is None:
        raise HTTPException(404, f"no invoice for order {order_id} (B2B orders only)")
    return document


@router.get("/exports")
async def list_exports(
    uow: Uow,
    status: Annotated[str, Query(pattern="^(pending|exported|rejected)$")] = "rejected",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Exports to accounting systems; rejected ones carry the system's reason."""
    async with uow:
        return {"exports": await repository.exports(uow.connection, status, limit)}


@router.post("/exports/retry", dependencies=[Depends(require_admin)])
async def retry_rejected(uow: Uow, target: str | None = None) -> dict[str, Any]:
    """After fixing the cause in the accounting system: send the rejected ones again."""
    async with uow:
        reopened = await export_repository.reopen_rejected(uow.connection, target)
        await uow.commit()
    return {"reopened": reopened}


class RefreshToken(BaseModel):
    refresh_token: str = Field(min_length=8, max_length=4000)


@router.put("/exports/targets/{target}/refresh-token", dependencies=[Depends(require_admin)])
async def reconnect(target: str, body: RefreshToken, uow: Uow) -> dict[str, Any]:
    """After reconnecting the app to the accounting system (its refresh token was refused):
    the new refresh token, and the exports parked meanwhile sent again."""
    async with uow:
        await replace_refresh_token(uow.connection, target, body.refresh_token)
        reopened = await export_repository.reopen_rejected(uow.connection, target)
        await uow.commit()
    return {"target": target, "reopened": reopened}
