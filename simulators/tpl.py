"""A 3PL, as a real HTTP server: takes fulfilment orders, picks, ships, calls back.

Outbound API it implements (what the shipping-bridge calls):
    POST /v1/fulfillment-orders               Bearer key; `Idempotency-Key` honoured
    POST /v1/fulfillment-orders/{id}/cancel   cancel unless already shipped (409)
    GET  /v1/fulfillment-orders/{id}          its status and every parcel shipped so far
                                              (what a hub asks when callbacks went quiet)
Callbacks it makes (the shipping-bridge's 3PL API, with its own `X-Api-Key`):
    acknowledgement -> dispatches (one parcel, or two when told to split) -> delivery
Test controls: POST /_control (fail_next, reject_next, hang_next, split, auto_ship,
ship_delay, lose_callbacks), GET /_orders (what it received, for assertions).

    TPL_API_KEY=K TPL_BRIDGE_KEY=K2 python -m simulators.tpl --port 9101 --bridge-url URL

Keys come from the environment, never the command line (which any user can read).
"""

import argparse
import asyncio
import itertools
import os
import random
import uuid
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Response
from pydantic import BaseModel, Field


class Controls(BaseModel):
    fail_next: int = Field(0, description="Answer this many requests with 503.")
    reject_next: int = Field(0, description="Refuse this many orders with 422.")
    hang_next: int = Field(0, description="Hold this many requests past any client timeout.")
    split: bool = Field(False, description="Ship each order in two parcels.")
    auto_ship: bool = True
    ship_delay: float = Field(
        0.2, description="Seconds between acknowledging, shipping, delivering."
    )
    lose_callbacks: int = Field(
        0, description="Never deliver this many callbacks (lost on the way, retries too)."
    )


class OrderLine(BaseModel):
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)


class FulfilmentOrder(BaseModel):
    reference: str = Field(min_length=1)
    order_name: str
    location: str
    lines: list[OrderLine] = Field(min_length=1)
    ship_to: dict[str, Any] = {}


def create_app(api_key: str, bridge_url: str, bridge_key: str, carrier: str = "UPS") -> FastAPI:
    app = FastAPI(title="3PL simulator")
    controls = Controls()
    orders: dict[str, dict[str, Any]] = {}
    by_key: dict[str, str] = {}
    requests_seen: list[str] = []
    # Carriers' tracking numbers are unique everywhere: each 3PL draws from its own range.
    parcel_numbers = itertools.count(random.randrange(10**12, 10**15))
    tasks: set[asyncio.Task[None]] = set()

    @app.post("/_control")
    async def control(update: dict[str, Any]) -> Controls:
        nonlocal controls
        controls = controls.model_copy(
            update=Controls.model_validate({**controls.model_dump(), **update}).model_dump()
        )
        return controls

    @app.get("/_orders")
    async def list_orders() -> dict[str, Any]:
        return {"orders": list(orders.values()), "requests": requests_seen}

    @app.post("/v1/fulfillment-orders", status_code=201)
    async def create(
        body: FulfilmentOrder,
        response: Response,
        authorization: str | None = Header(None),
        idempotency_key: str | None = Header(None),
    ) -> dict[str, Any]:
        if authorization != f"Bearer {api_key}":
            raise HTTPException(401, "bad API key")
        requests_seen.append(body.reference)
        if controls.hang_next:
            controls.hang_next -= 1
            await asyncio.sleep(30)
        if controls.fail_next:
            controls.fail_next -= 1
            raise HTTPException(503, "warehouse system unavailable")
        if idempotency_key and idempotency_key in by_key:
            response.status_code = 200
            return orders[by_key[idempotency_key]]
        if controls.reject_next:
            controls.reject_next -= 1
            raise HTTPException(422, "address cannot be served from this warehouse")
        order = {
            "id": f"FO-{uuid.uuid4().hex[:10]}",
            "status": "received",
            "dispatches": [],
            **body.model_dump(),
        }
        orders[order["id"]] = order
        if idempotency_key:
            by_key[idempotency_key] = order["id"]
        if controls.auto_ship:
            task = asyncio.create_task(fulfil(order))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return order

    def order_for(order_id: str, authorization: str | None) -> dict[str, Any]:
        if authorization != f"Bearer {api_key}":
            raise HTTPException(401, "bad API key")
        order = orders.get(order_id)
        if order is None:
            raise HTTPException(404, "no such fulfilment order")
        return order

    @app.post("/v1/fulfillment-orders/{order_id}/cancel")
    async def cancel(order_id: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        order = order_for(order_id, authorization)
        if order["status"] in ("shipping", "shipped", "delivered"):
            raise HTTPException(409, f"already {order['status']}")
        order["status"] = "cancelled"
        return order

    @app.get("/v1/fulfillment-orders/{order_id}")
    async def status(order_id: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        return order_for(order_id, authorization)

    async def fulfil(order: dict[str, Any]) -> None:
        shipment = f"{bridge_url}/3pl/v1/shipments/{order['reference']}"
        async with httpx.AsyncClient(headers={"X-Api-Key": bridge_key}, timeout=10) as client:
            await asyncio.sleep(controls.ship_delay)
            await call(client, f"{shipment}/acknowledgement", None)
            for parcel in parcels(order["lines"], controls.split):
                await asyncio.sleep(controls.ship_delay)
                if order["status"] == "cancelled":
                    return
                # From here the parcel is with the carrier: a cancellation is too late, as
                # at a real warehouse once the label is printed and the parcel handed over.
                order["status"] = "shipping"
                number = next(parcel_numbers)
                dispatch = {
                    "dispatch_id": f"{order['id']}-P{number}",
                    "carrier": carrier,
                    "tracking_number": f"1Z{number:016d}",
                    "tracking_url": f"https://tracking.crossdock.test/{carrier}/1Z{number:016d}",
                    "lines": parcel,
                }
                order["dispatches"].append(dispatch)
                order["status"] = "shipped"
                await call(client, f"{shipment}/dispatches", dispatch)
            await asyncio.sleep(controls.ship_delay)
            await call(client, f"{shipment}/delivery", None)
            order["status"] = "delivered"

    async def call(client: httpx.AsyncClient, url: str, body: dict[str, Any] | None) -> None:
        """Like a real 3PL's webhook: retried with growing pauses for over a minute (the
        hub may be restarting), then given up. A lost one is never sent at all."""
        if controls.lose_callbacks:
            controls.lose_callbacks -= 1
            return
        for attempt in range(12):
            try:
                response = await client.post(url, json=body)
                if response.status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(min(0.2 * 2**attempt, 10.0))

    return app


def parcels(lines: list[dict[str, Any]], split: bool) -> list[list[dict[str, Any]]]:
    """One parcel, or two: the first half of the units, then the rest."""
    if not split or sum(line["quantity"] for line in lines) < 2:
        return [lines]
    first, second = [], []
    for line in lines:
        head = line["quantity"] // 2
        if head:
            first.append({"sku": line["sku"], "quantity": head})
        if line["quantity"] - head:
            second.append({"sku": line["sku"], "quantity": line["quantity"] - head})
    return [first, second]


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's 3PL simulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bridge-url", required=True)
    parser.add_argument("--carrier", default="UPS")
    args = parser.parse_args()
    api_key, bridge_key = os.environ["TPL_API_KEY"], os.environ["TPL_BRIDGE_KEY"]
    app = create_app(api_key, args.bridge_url, bridge_key, args.carrier)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
