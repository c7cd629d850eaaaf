"""A 3PL, as a real HTTP server: takes fulfilment orders, picks, ships, calls back.

Outbound API it implements (what the shipping-bridge calls; docs/3pl-api.md):
    POST /v1/fulfillment-orders               Bearer key; `Idempotency-Key` honoured; an
                                              order it cannot label (no recipient, street,
                                              city or postal code) is refused with 422
    POST /v1/fulfillment-orders/{id}/cancel   cancel what has not shipped (`cancelled_lines`);
                                              409 once everything left
    GET  /v1/fulfillment-orders/{id}          its status and every parcel shipped so far
                                              (what a hub asks when callbacks went quiet)
Callbacks it makes (the shipping-bridge's 3PL API, with its own `X-Api-Key`):
    acknowledgement -> dispatches (one parcel, or two when told to split) -> delivery;
    with the x12 dialect each parcel is an 856 ship notice to POST /3pl/v1/edi instead
Test controls: POST /_control (fail_next, reject_next, hang_next, split, auto_ship,
ship_delay, lose_callbacks, dialect: json | x12, edi_id), GET /_orders (what it
received, for assertions).

    TPL_API_KEY=K TPL_BRIDGE_KEY=K2 python -m simulators.tpl --port 9101 --bridge-url URL

Keys come from the environment, never the command line (which any user can read).
"""

import argparse
import asyncio
import itertools
import os
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import httpx
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from shared.events.addresses import NO_POSTAL_CODE
from simulators import listen
from simulators.ship_notices import Notice, Pack, ship_notice, sscc


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
    dialect: Literal["json", "x12"] = Field(
        "json", description="Report parcels as JSON dispatches or as X12 856 ship notices."
    )
    edi_id: str = Field("TPLSIM", description="Our ISA06 when the dialect is x12.")


class OrderLine(BaseModel):
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    description: str | None = None
    unit_price: str | None = Field(None, pattern=r"^\d+(\.\d+)?$")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")


class ShipTo(BaseModel):
    """docs/3pl-api.md: a label needs a recipient, a street, a city, a postal code
    (where the country has them) and a country."""

    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    phone: str | None = None
    email: str | None = None

    def undeliverable(self) -> str | None:
        missing = [
            what
            for what, value in (
                ("name or company", self.name or self.company),
                ("address1", self.address1),
                ("city", self.city),
                ("postal_code", self.postal_code or self.country_code in NO_POSTAL_CODE),
            )
            if not value
        ]
        return f"ship_to lacks {', '.join(missing)}" if missing else None


class ShippingMethod(BaseModel):
    code: str | None = None
    title: str | None = None
    carrier: str | None = None


class FulfilmentOrder(BaseModel):
    reference: str = Field(min_length=1)
    order_name: str
    channel: str | None = None
    location: str
    lines: list[OrderLine] = Field(min_length=1)
    ship_to: ShipTo
    shipping_method: ShippingMethod | None = None
    note: str | None = None
    ship_by: date | None = None
    deliver_by: date | None = None


class ThirdPartyLogistics:
    """What the simulator holds while it runs."""

    def __init__(
        self, api_key: str, bridge_url: str, bridge_key: str, carrier: str = "UPS"
    ) -> None:
        self.api_key = api_key
        self.bridge_url = bridge_url
        self.bridge_key = bridge_key
        self.carrier = carrier
        self.controls = Controls()
        self.orders: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.requests_seen: list[str] = []
        self.parcel_numbers = itertools.count(random.randrange(10**12, 10**15))
        self.tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def callbacks(self) -> httpx.AsyncClient:
        """One client for every callback, kept alive, as a warehouse system's is."""
        if self._client is None:
            headers = {"X-Api-Key": self.bridge_key}
            self._client = httpx.AsyncClient(headers=headers, timeout=10)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


router = APIRouter()


def _sim(request: Request) -> ThirdPartyLogistics:
    sim: ThirdPartyLogistics = request.app.state.sim
    return sim


Sim = Annotated[ThirdPartyLogistics, Depends(_sim)]


@router.post("/_control")
async def control(sim: Sim, update: dict[str, Any]) -> Controls:
    sim.controls = sim.controls.model_copy(
        update=Controls.model_validate({**sim.controls.model_dump(), **update}).model_dump()
    )
    return sim.controls


@router.get("/_orders")
async def list_orders(sim: Sim) -> dict[str, Any]:
    return {"orders": list(sim.orders.values()), "requests": sim.requests_seen}


@router.post("/v1/fulfillment-orders", status_code=201)
async def create(
    sim: Sim,
    body: FulfilmentOrder,
    response: Response,
    authorization: str | None = Header(None),
    idempotency_key: str | None = Header(None),
) -> dict[str, Any]:
    if authorization != f"Bearer {sim.api_key}":
        raise HTTPException(401, "bad API key")
    sim.requests_seen.append(body.reference)
    if sim.controls.hang_next:
        sim.controls.hang_next -= 1
        await asyncio.sleep(30)
    if sim.controls.fail_next:
        sim.controls.fail_next -= 1
        raise HTTPException(503, "warehouse system unavailable")
    if idempotency_key and idempotency_key in sim.by_key:
        response.status_code = 200
        return sim.orders[sim.by_key[idempotency_key]]
    if sim.controls.reject_next:
        sim.controls.reject_next -= 1
        raise HTTPException(422, "address cannot be served from this warehouse")
    if problem := body.ship_to.undeliverable():
        raise HTTPException(422, f"undeliverable: {problem}")
    order = {
        "id": f"FO-{uuid.uuid4().hex[:10]}",
        "status": "received",
        "created_at": datetime.now(UTC).isoformat(),
        "dispatches": [],
        **body.model_dump(),
    }
    sim.orders[order["id"]] = order
    if idempotency_key:
        sim.by_key[idempotency_key] = order["id"]
    if sim.controls.auto_ship:
        task = asyncio.create_task(fulfil(sim, order))
        sim.tasks.add(task)
        task.add_done_callback(sim.tasks.discard)
    return order


@router.post("/v1/fulfillment-orders/{order_id}/cancel")
async def cancel(
    sim: Sim, order_id: str, authorization: str | None = Header(None)
) -> dict[str, Any]:
    order = order_for(sim, order_id, authorization)
    left = unshipped(order)
    if order["status"] in ("shipping", "delivered") or not left:
        raise HTTPException(409, f"already {order['status']}")
    # What has not left is called off; parcels already with the carrier go on.
    order["status"] = "cancelled"
    order["cancelled_lines"] = left
    return order


def unshipped(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The units of the order no parcel has taken yet."""
    shipped: dict[str, int] = {}
    for dispatch in order["dispatches"]:
        for line in dispatch["lines"]:
            shipped[line["sku"]] = shipped.get(line["sku"], 0) + line["quantity"]
    left = [
        {"sku": line["sku"], "quantity": line["quantity"] - shipped.get(line["sku"], 0)}
        for line in order["lines"]
    ]
    return [line for line in left if line["quantity"] > 0]


@router.get("/v1/fulfillment-orders/{order_id}")
async def status(
    sim: Sim, order_id: str, authorization: str | None = Header(None)
) -> dict[str, Any]:
    return order_for(sim, order_id, authorization)


def order_for(sim: ThirdPartyLogistics, order_id: str, authorization: str | None) -> dict[str, Any]:
    if authorization != f"Bearer {sim.api_key}":
        raise HTTPException(401, "bad API key")
    order = sim.orders.get(order_id)
    if order is None:
        raise HTTPException(404, "no such fulfilment order")
    return order


async def fulfil(sim: ThirdPartyLogistics, order: dict[str, Any]) -> None:
    shipment = f"{sim.bridge_url}/3pl/v1/shipments/{order['reference']}"
    client = sim.callbacks()
    await asyncio.sleep(sim.controls.ship_delay)
    await call(sim, client, f"{shipment}/acknowledgement", None)
    for parcel in parcels(order["lines"], sim.controls.split):
        await asyncio.sleep(sim.controls.ship_delay)
        if order["status"] == "cancelled":
            break
        # From here the parcel is with the carrier: a cancellation is too late, as
        # at a real warehouse once the label is printed and the parcel handed over.
        order["status"] = "shipping"
        number = next(sim.parcel_numbers)
        dispatch = {
            "dispatch_id": f"{order['id']}-P{number}",
            "carrier": sim.carrier,
            "tracking_number": f"1Z{number:016d}",
            "tracking_url": f"https://tracking.crossdock.test/{sim.carrier}/1Z{number:016d}",
            "lines": parcel,
        }
        order["dispatches"].append(dispatch)
        order["status"] = "shipped"
        await report(sim, client, order, dispatch, number)
    if not order["dispatches"]:
        return  # cancelled before anything left
    await asyncio.sleep(sim.controls.ship_delay)
    await call(sim, client, f"{shipment}/delivery", None)
    if order["status"] != "cancelled":
        order["status"] = "delivered"


async def report(
    sim: ThirdPartyLogistics,
    client: httpx.AsyncClient,
    order: dict[str, Any],
    dispatch: dict[str, Any],
    number: int,
) -> None:
    """A parcel told to the hub: a JSON dispatch, or an 856 of one pack (its SSCC from
    the parcel number) under the order name the fulfilment order carried."""
    if sim.controls.dialect == "json":
        await call(
            sim,
            client,
            f"{sim.bridge_url}/3pl/v1/shipments/{order['reference']}/dispatches",
            dispatch,
        )
        return
    lines = [(line["sku"], line["quantity"]) for line in dispatch["lines"]]
    notice = Notice(f"ASN{number}", order["order_name"], sim.carrier)
    notice.packs.append(Pack(sscc("0614141", number, "1"), dispatch["tracking_number"], lines))
    text = ship_notice(sim.controls.edi_id, "CROSSDOCK", number % 10**9, notice)
    await call(sim, client, f"{sim.bridge_url}/3pl/v1/edi", text)


async def call(
    sim: ThirdPartyLogistics, client: httpx.AsyncClient, url: str, body: dict[str, Any] | None
) -> None:
    """Like a real 3PL's webhook: retried with growing pauses for over a minute (the
    hub may be restarting), then given up. A lost one is never sent at all."""
    if sim.controls.lose_callbacks:
        sim.controls.lose_callbacks -= 1
        return
    for attempt in range(12):
        try:
            if isinstance(body, str):
                edi = {"Content-Type": "application/edi-x12"}
                response = await client.post(url, content=body, headers=edi)
            else:
                response = await client.post(url, json=body)
            if response.status_code < 500:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(min(0.2 * 2**attempt, 10.0))


def create_app(api_key: str, bridge_url: str, bridge_key: str, carrier: str = "UPS") -> FastAPI:
    sim = ThirdPartyLogistics(api_key, bridge_url, bridge_key, carrier)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sim.close()

    app = FastAPI(title="3PL simulator", lifespan=lifespan)
    app.state.sim = sim
    app.include_router(router)
    return app


def parcels(lines: list[dict[str, Any]], split: bool) -> list[list[dict[str, Any]]]:
    """One parcel, or two: the first half of the units, then the rest. A parcel reports
    what is in it (SKU and units), not what the order said about it."""
    if not split or sum(line["quantity"] for line in lines) < 2:
        return [[{"sku": line["sku"], "quantity": line["quantity"]} for line in lines]]
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
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
