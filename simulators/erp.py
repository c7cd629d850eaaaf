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
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

KINDS = ("products", "prices", "customers")


def create_app(token: str) -> FastAPI:
    app = FastAPI(title="ERP simulator")
    books: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
    revisions = itertools.count(1)
    numbers = itertools.count(10001)
    created: dict[str, dict[str, Any]] = {}  # idempotency key -> account

    @app.middleware("http")
    async def bearer(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith("/api/") and (
            request.headers.get("authorization") != f"Bearer {token}"
        ):
            return JSONResponse({"error": "invalid token"}, status_code=401)
        return await call_next(request)

    def upsert(kind: str, key: str, item: dict[str, Any]) -> dict[str, Any]:
        books[kind][key] = {**item, "revision": next(revisions)}
        return books[kind][key]

    @app.get("/api/v1/{kind}")
    async def changes(kind: str, since: int = 0, limit: int = 100) -> dict[str, Any]:
        if kind not in KINDS:
            raise HTTPException(404, {"error": f"no collection {kind}"})
        newer = sorted(
            (x for x in books[kind].values() if x["revision"] > since), key=lambda x: x["revision"]
        )[:limit]
        return {"items": newer, "next_since": newer[-1]["revision"] if newer else since}

    @app.post("/api/v1/customers", status_code=201)
    async def create_customer(
        body: dict[str, Any], idempotency_key: str | None = Header(None)
    ) -> dict[str, Any]:
        if not body.get("email") or not body.get("name"):
            raise HTTPException(422, {"error": "email and name are required"})
        if idempotency_key and idempotency_key in created:
            return created[idempotency_key]
        number = f"C{next(numbers)}"
        account = upsert(
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
        created[idempotency_key or number] = account
        return account

    @app.post("/_products")
    async def put_products(body: dict[str, Any]) -> dict[str, int]:
        for item in body["items"]:
            upsert("products", item["sku"], item)
        return {"products": len(books["products"])}

    @app.post("/_prices")
    async def put_prices(body: dict[str, Any]) -> dict[str, int]:
        for item in body["items"]:
            upsert("prices", item["id"], item)
        return {"prices": len(books["prices"])}

    @app.post("/_customers")
    async def put_customers(body: dict[str, Any]) -> dict[str, int]:
        for item in body["items"]:
            upsert("customers", item["number"], item)
        return {"customers": len(books["customers"])}

    @app.get("/_accounts")
    async def accounts() -> list[dict[str, Any]]:
        return list(created.values())

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's ERP/PIM simulator")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(os.environ["ERP_TOKEN"]), host="127.0.0.1", port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
