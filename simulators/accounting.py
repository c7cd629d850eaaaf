"""QuickBooks-Online-style and Xero-style accounting APIs, as a real HTTP server, that
validate journals the way those systems do.

QuickBooks: POST /v3/company/{realm}/journalentry — at least two lines, each a positive
Amount flagged Debit or Credit against a known AccountRef; debits equal credits;
DocNumber at most 21 characters, texts at most 4000.
Xero: POST or PUT /api.xro/2.0/ManualJournals (header xero-tenant-id) — a Narration,
at least two lines of non-zero signed LineAmount against known AccountCodes, summing to 0.
Both honour their idempotency keys as documented — QuickBooks' `requestid` query
parameter, Xero's `Idempotency-Key` header: a request repeating one is answered with
the first answer and creates nothing. QuickBooks refuses a second entry with a
DocNumber already used (its "Duplicate Document Number" check, code 6140).
Either takes a long-lived token, or the short-lived access tokens of its OAuth 2.0 token
endpoint (simulators/accounting_oauth.py; OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and the
first OAUTH_REFRESH_TOKEN in the environment).
Test side: POST /_control (accounts, fail_next, lose_next: take the journal, then
answer 502 as if the answer were lost on the way; the token endpoint's knobs),
GET /_received.

    QBO_TOKEN=.. QBO_REALM=.. XERO_TOKEN=.. XERO_TENANT=.. ACCOUNTS=1100,4000 \\
        python -m simulators.accounting --port 9301
"""

import argparse
import itertools
import os
import uuid
from decimal import Decimal
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from simulators import listen
from simulators.accounting_oauth import Tokens
from simulators.accounting_oauth import router as oauth_router


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


class Books:
    """What the simulator holds while it runs."""

    def __init__(self, qbo: tuple[str, str], xero: tuple[str, str], accounts: set[str]) -> None:
        self.qbo = qbo
        self.xero = xero
        self.accounts = accounts
        self.state: dict[str, Any] = {
            "accounts": set(self.accounts),
            "fail_next": 0,
            "lose_next": 0,
        }
        self.answers: dict[str, Any] = {}  # idempotency key -> the first answer
        self.received: dict[str, list[Any]] = {"quickbooks": [], "xero": []}
        self.ids = itertools.count(100)


router = APIRouter()


def _sim(request: Request) -> Books:
    sim: Books = request.app.state.sim
    return sim


Sim = Annotated[Books, Depends(_sim)]


@router.post("/_control")
async def control(sim: Sim, request: Request, update: dict[str, Any]) -> dict[str, Any]:
    if "accounts" in update:
        sim.state["accounts"] = set(update["accounts"])
    for knob in ("fail_next", "lose_next"):
        sim.state[knob] = int(update.get(knob, sim.state[knob]))
    return {
        "accounts": sorted(sim.state["accounts"]),
        "fail_next": sim.state["fail_next"],
        "lose_next": sim.state["lose_next"],
        "oauth": request.app.state.tokens.control(update),
    }


@router.get("/_received")
async def what_was_received(sim: Sim) -> dict[str, list[Any]]:
    return sim.received


@router.post("/v3/company/{realm}/journalentry")
async def journal_entry(
    sim: Sim,
    realm: str,
    request: Request,
    authorization: str | None = Header(None),
    requestid: str | None = None,
) -> JSONResponse:
    tokens = request.app.state.tokens
    signed_in = authorization == f"Bearer {sim.qbo[0]}" or tokens.valid(authorization)
    if not signed_in or realm != sim.qbo[1]:
        return JSONResponse({"fault": {"error": [{"message": "AuthenticationFailed"}]}}, 401)
    maybe_fail(sim)
    if requestid and f"qbo:{requestid}" in sim.answers:
        return JSONResponse(sim.answers[f"qbo:{requestid}"])
    body = await request.json()
    problems = _qbo_problems(body, sim.state["accounts"])
    if any(e.get("DocNumber") == body.get("DocNumber") for e in sim.received["quickbooks"]):
        problems.append(f"Duplicate Document Number Error: {body.get('DocNumber')}")
    if problems:
        fault = {
            "Error": [{"Message": p, "code": "6000"} for p in problems],
            "type": "ValidationFault",
        }
        return JSONResponse({"Fault": fault}, 400)
    saved = {**body, "Id": str(next(sim.ids)), "SyncToken": "0"}
    sim.received["quickbooks"].append(saved)
    if requestid:
        sim.answers[f"qbo:{requestid}"] = {"JournalEntry": saved}
    maybe_lose(sim)
    return JSONResponse({"JournalEntry": saved})


@router.api_route("/api.xro/2.0/ManualJournals", methods=["POST", "PUT"])
async def manual_journals(
    sim: Sim,
    request: Request,
    authorization: str | None = Header(None),
    xero_tenant_id: str | None = Header(None),
    idempotency_key: str | None = Header(None),
) -> JSONResponse:
    tokens = request.app.state.tokens
    signed_in = authorization == f"Bearer {sim.xero[0]}" or tokens.valid(authorization)
    if not signed_in or xero_tenant_id != sim.xero[1]:
        return JSONResponse({"Title": "Unauthorized", "Status": 401}, 401)
    maybe_fail(sim)
    if idempotency_key and f"xero:{idempotency_key}" in sim.answers:
        return JSONResponse(sim.answers[f"xero:{idempotency_key}"])
    journals = (await request.json()).get("ManualJournals") or []
    problems = [p for journal in journals for p in _xero_problems(journal, sim.state["accounts"])]
    if not journals or problems:
        errors = [{"Message": p} for p in problems or ["ManualJournals is required"]]
        return JSONResponse(
            {
                "Type": "ValidationException",
                "Message": "A validation exception occurred",
                "Elements": [{"ValidationErrors": errors}],
            },
            400,
        )
    saved = [{**j, "ManualJournalID": str(uuid.uuid4())} for j in journals]
    sim.received["xero"].extend(saved)
    if idempotency_key:
        sim.answers[f"xero:{idempotency_key}"] = {"ManualJournals": saved}
    maybe_lose(sim)
    return JSONResponse({"ManualJournals": saved})


def maybe_fail(sim: Books) -> None:
    if sim.state["fail_next"]:
        sim.state["fail_next"] -= 1
        raise HTTPException(503, "service unavailable")


def maybe_lose(sim: Books) -> None:
    """The journal is made; its answer never reaches the caller."""
    if sim.state["lose_next"]:
        sim.state["lose_next"] -= 1
        raise HTTPException(502, "bad gateway")


def create_app(
    qbo: tuple[str, str],
    xero: tuple[str, str],
    accounts: set[str],
    oauth_client: tuple[str, str] | None = None,
    first_refresh: str | None = None,
) -> FastAPI:
    app = FastAPI(title="accounting simulator")
    app.state.sim = Books(qbo, xero, accounts)
    app.state.tokens = Tokens(oauth_client, first_refresh)
    app.include_router(router)
    app.include_router(oauth_router)
    return app


def _qbo_problems(body: dict[str, Any], accounts: set[str]) -> list[str]:
    lines = body.get("Line") or []
    problems = ["a journal entry needs at least two lines"] if len(lines) < 2 else []
    if len(str(body.get("DocNumber", ""))) > 21:
        problems.append("DocNumber is longer than 21 characters")
    if len(str(body.get("PrivateNote", ""))) > 4000:
        problems.append("PrivateNote is longer than 4000 characters")
    totals = {"Debit": Decimal(0), "Credit": Decimal(0)}
    for line in lines:
        detail = line.get("JournalEntryLineDetail") or {}
        posting, amount = detail.get("PostingType"), _cents(line.get("Amount", 0))
        account = (detail.get("AccountRef") or {}).get("value")
        if posting not in totals:
            problems.append(f"line {line.get('Id')}: PostingType must be Debit or Credit")
            continue
        if amount <= 0:
            problems.append(f"line {line.get('Id')}: Amount must be positive")
        if account not in accounts:
            problems.append(f"Invalid Reference Id: account {account} does not exist")
        if len(str(line.get("Description", ""))) > 4000:
            problems.append(f"line {line.get('Id')}: Description is longer than 4000 characters")
        totals[posting] += amount
    if totals["Debit"] != totals["Credit"]:
        problems.append(
            f"Transaction not balanced: debits {totals['Debit']} credits {totals['Credit']}"
        )
    return problems


def _xero_problems(journal: dict[str, Any], accounts: set[str]) -> list[str]:
    lines = journal.get("JournalLines") or []
    problems = [] if journal.get("Narration") else ["Narration is required"]
    if len(lines) < 2:
        problems.append("A manual journal must have at least two lines")
    for line in lines:
        if _cents(line.get("LineAmount", 0)) == 0:
            problems.append("Journal lines must have a non-zero LineAmount")
        if line.get("AccountCode") not in accounts:
            problems.append(f"Account code '{line.get('AccountCode')}' is not a valid code")
    if sum((_cents(line.get("LineAmount", 0)) for line in lines), Decimal(0)) != 0:
        problems.append("The total debits must equal the total credits")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's accounting simulator")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    env = os.environ
    app = create_app(
        (env["QBO_TOKEN"], env["QBO_REALM"]),
        (env["XERO_TOKEN"], env["XERO_TENANT"]),
        set(env["ACCOUNTS"].split(",")),
        (env["OAUTH_CLIENT_ID"], env["OAUTH_CLIENT_SECRET"])
        if env.get("OAUTH_CLIENT_ID")
        else None,
        env.get("OAUTH_REFRESH_TOKEN"),
    )
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
