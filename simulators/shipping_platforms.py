"""A ShipStation-style API, as a real HTTP server: the shipments a SHIP_NOTIFY webhook's
`resource_url` points at, behind basic auth.

    GET /shipments?batchId=..&includeShipmentItems=True&page=N   (basic auth: key, secret)
        as the V1 API documents List Shipments: `includeShipmentItems` defaults to false,
        and then every shipment's `shipmentItems` is null; pages of `pageSize` (100)
Test side: POST /_batches/{batch_id} registers shipments; GET /_requests lists what was asked.

    SHIPSTATION_KEY=.. SHIPSTATION_SECRET=.. python -m simulators.shipping_platforms --port 9401
"""

import argparse
import base64
import os
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request

from simulators import listen


def create_app(key: str, secret: str) -> FastAPI:
    app = FastAPI(title="ShipStation-style API simulator")
    batches: dict[str, list[dict[str, Any]]] = {}
    requests_seen: list[str] = []

    @app.post("/_batches/{batch_id}")
    async def register(batch_id: str, shipments: list[dict[str, Any]]) -> dict[str, int]:
        batches[batch_id] = shipments
        return {"shipments": len(shipments)}

    @app.get("/_requests")
    async def seen() -> dict[str, list[str]]:
        return {"requests": requests_seen}

    @app.get("/shipments")
    async def shipments(
        request: Request,
        batchId: str = "",
        includeShipmentItems: str = "False",
        page: int = 1,
        pageSize: int = 100,
        authorization: str | None = Header(None),
    ) -> dict[str, Any]:
        requests_seen.append(str(request.url))
        expected = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        if authorization != expected:
            raise HTTPException(401, "Unauthorized")
        found = batches.get(batchId, [])
        with_items = includeShipmentItems.lower() == "true"
        listed = [s if with_items else {**s, "shipmentItems": None} for s in found]
        pages = max(1, -(-len(listed) // pageSize))
        chunk = listed[(page - 1) * pageSize : page * pageSize]
        return {"shipments": chunk, "total": len(listed), "page": page, "pages": pages}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's ShipStation-style API simulator")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(os.environ["SHIPSTATION_KEY"], os.environ["SHIPSTATION_SECRET"])
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
