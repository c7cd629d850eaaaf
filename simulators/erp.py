"""An ERP/PIM, as a real HTTP server: the system of record for products, prices and
customers (with B2B price lists and credit limits), and where storefront accounts go.

API (`Authorization: Bearer <token>`), changes read by revision, oldest first:
    GET  /api/v1/products?since=N&limit=M   {"items": [...], "next_since": N}
    GET  /api/v1/prices?since=N&limit=M     price book entries, standing or for a window
    GET  /api/v1/customers?since=N&limit=M  accounts: credit limit, balance, price list
    POST /api/v1/customers                  a new account from a storefront
                                            (`Idempotency-Key` makes a retry harmless)
Money is decimal strings. Test side: POST /_products, /_prices, /_customers (upserts,
each a new revision); GET /_accounts (accounts created through the API).

    ERP_TOKEN=.. python -m simulators.erp --port 9601
"""

import argparse
import itertools
import os
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from simulators import listen

KINDS = ("products", "prices", "customers")


class Erp:
    """What the simulator holds while it runs."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.books: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.revisions = itertools.count(1)
        self.numbers = itertools.count(10001)
        self.created: dict[str, dict[str, Any]] = {}  # idempotency key -> account


router = APIRouter()


def _sim(request: Request) -> Erp:
    sim: Erp = request.app.state.sim
    return sim


Sim = Annotated[Erp, Depends(_sim)]


@router.get("/api/v1/{kind}")
async def changes(sim: Sim, kind: str, since: int = 0, limit: int = 100) -> dict[str, Any]:
    if kind not in KINDS:
        raise HTTPException(404, {"error": f"no collection {kind}"})
    newer = sorted(
        (x for x in sim.books[kind].values() if x["revision"] > since), key=lambda x: x["revision"]
    )[:limit]
    return {"items": newer, "next_since": newer[-1]["revision"] if newer else since}


@router.post("/api/v1/customers", status_code=201)
async def create_customer(
    sim: Sim, body: dict[str, Any], idempotency_key: str | None = Header(None)
) -> dict[str, Any]:
    if not body.get("email") or not body.get("name"):
        raise HTTPException(422, {"error": "email and name are required"})
    if idempotency_key and idempotency_key in sim.created:
        return sim.created[idempotency_key]
    number = f"C{next(sim.numbers)}"
    account = upsert(
        sim,
        "customers",
        number,
        {
            "number": number,
            "email": body["email"],
            "name": body["name"],
            "company": body.get("company"),
            "currency": body.get("currency", "USD"),
            "credit_limit": None,
            "balance": "0.00",
            "balance_as_of": "2026-01-01T00:00:00Z",
            "price_list": [],
            "source": body.get("source"),
        },
    )
    sim.created[idempotency_key or number] = account
    return account


@router.post("/_products")
async def put_products(sim: Sim, body: dict[str, Any]) -> dict[str, int]:
    for item in body["items"]:
        upsert(sim, "products", item["sku"], item)
    return {"products": len(sim.books["products"])}


@router.post("/_prices")
async def put_prices(sim: Sim, body: dict[str, Any]) -> dict[str, int]:
    for item in body["items"]:
        upsert(sim, "prices", item["id"], item)
    return {"prices": len(sim.books["prices"])}


@router.post("/_customers")
async def put_customers(sim: Sim, body: dict[str, Any]) -> dict[str, int]:
    for item in body["items"]:
        upsert(sim, "customers", item["number"], item)
    return {"customers": len(sim.books["customers"])}


@router.get("/_accounts")
async def accounts(sim: Sim) -> list[dict[str, Any]]:
    return list(sim.created.values())


def upsert(sim: Erp, kind: str, key: str, item: dict[str, Any]) -> dict[str, Any]:
    sim.books[kind][key] = {**item, "revision": next(sim.revisions)}
    return sim.books[kind][key]


async def bearer(request: Request, call_next: Any) -> Any:
    sim: Erp = request.app.state.sim
    if request.url.path.startswith("/api/") and (
        request.headers.get("authorization") != f"Bearer {sim.token}"
    ):
        return JSONResponse({"error": "invalid token"}, status_code=401)
    return await call_next(request)


def create_app(token: str) -> FastAPI:
    app = FastAPI(title="ERP simulator")
    app.state.sim = Erp(token)
    app.middleware("http")(bearer)
    app.include_router(router)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's ERP/PIM simulator")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(os.environ["ERP_TOKEN"]), host=listen.HOST, port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
