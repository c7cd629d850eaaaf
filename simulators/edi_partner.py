"""A retailer trading by EDI X12 (4010), as a real HTTP server (its AS2 gateway, in
effect): it sends purchase orders (850) to the hub and keeps the hub's 997s; it receives
ship notices (856) and answers each with a 997 of its own, sent back to the hub.

    PARTNER_TOKEN=.. HUB_TOKEN=.. python -m simulators.edi_partner --port 9701 \
        --id RETAILER01 --hub-id CROSSDOCK --hub-url http://127.0.0.1:8000/edi/edi-demo

Test side: POST /_send_po {"po", "lines": [{"sku"|"upc"|"buyer_part", "quantity",
"price"}], "ctt"?: n, "break"?: "se_count"|"iea"} returns the hub's status and 997;
GET /_notices (856s received), GET /_acks (997s received from the hub).
"""

import argparse
import itertools
import os
import time
from typing import Annotated, Any

import httpx
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request

from simulators import listen


def interchange(
    sender: str, receiver: str, control: int, fid: str, body: list[list[str]], code: str
) -> str:
    when = time.strftime("%Y%m%d%H%M", time.gmtime())
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        when[2:8],
        when[8:12],
        "U",
        "00401",
        f"{control:09d}",
        "0",
        "P",
        ">",
    ]
    st = [["ST", code, "0001"], *body, ["SE", str(len(body) + 2), "0001"]]
    segments = [
        isa,
        ["GS", fid, sender, receiver, when[:8], when[8:12], str(control), "X", "004010"],
        *st,
        ["GE", "1", str(control)],
        ["IEA", "1", f"{control:09d}"],
    ]
    return "~\n".join("*".join(s) for s in segments) + "~\n"


def purchase_order(po: str, lines: list[dict[str, Any]], ctt: int | None) -> list[list[str]]:
    body = [
        ["BEG", "00", "SA", po, "", time.strftime("%Y%m%d", time.gmtime())],
        ["CUR", "BY", "USD"],
        ["N1", "BY", "Retailer One Inc", "92", "0001"],
        ["N1", "ST", "Store 12", "92", "0012"],
        ["N3", "1 Main St"],
        ["N4", "Springfield", "IL", "62701", "US"],
        ["ITD", "01", "3", "", "", "", "", "30"],  # net 30
        ["DTM", "002", time.strftime("%Y%m%d", time.gmtime(time.time() + 7 * 86400))],
    ]
    for n, line in enumerate(lines, start=1):
        ids = []
        for qualifier, key in (("VP", "sku"), ("UP", "upc"), ("BP", "buyer_part")):
            if line.get(key):
                ids += [qualifier, str(line[key])]
        body.append(["PO1", str(n), str(line["quantity"]), "EA", str(line["price"]), "", *ids])
        body.append(["PID", "F", "", "", "", str(line.get("title", f"Item {n}"))])
    body.append(["CTT", str(ctt if ctt is not None else len(lines))])
    return body


class EdiPartner:
    """What the simulator holds while it runs."""

    def __init__(
        self, my_id: str, hub_id: str, hub_url: str, my_token: str, hub_token: str
    ) -> None:
        self.my_id = my_id
        self.hub_id = hub_id
        self.hub_url = hub_url
        self.my_token = my_token
        self.hub_token = hub_token
        self.controls = itertools.count(int(time.time()) % 10**6 * 1000)
        self.notices: list[dict[str, Any]] = []
        self.acks: list[str] = []


router = APIRouter()


def _sim(request: Request) -> EdiPartner:
    sim: EdiPartner = request.app.state.sim
    return sim


Sim = Annotated[EdiPartner, Depends(_sim)]


@router.post("/_send_po")
async def send_po(sim: Sim, spec: dict[str, Any]) -> dict[str, Any]:
    control = next(sim.controls)
    text = interchange(
        sim.my_id,
        sim.hub_id,
        control,
        "PO",
        purchase_order(spec["po"], spec["lines"], spec.get("ctt")),
        "850",
    )
    if spec.get("break") == "se_count":
        text = text.replace(
            f"SE*{len(purchase_order(spec['po'], spec['lines'], spec.get('ctt'))) + 2}*",
            "SE*99*",
        )
    if spec.get("break") == "iea":
        text = text.replace(f"IEA*1*{control:09d}", "IEA*1*000000001")
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            sim.hub_url, content=text.encode(), headers={"X-Crossdock-Token": sim.hub_token}
        )
    if answer.status_code == 200 and answer.text:
        sim.acks.append(answer.text)
    return {
        "status": answer.status_code,
        "body": answer.text,
        "reason": answer.headers.get("x-crossdock-reason"),
        "interchange": text,
        "control": control,
    }


@router.post("/as2/inbound")
async def inbound(
    sim: Sim, request: Request, x_crossdock_token: str | None = Header(None)
) -> dict[str, str]:
    """Ship notices from the hub; each is acknowledged with a 997, sent back."""
    if x_crossdock_token != sim.my_token:
        raise HTTPException(401, "bad token")
    text = (await request.body()).decode()
    segments = [s.strip().split("*") for s in text.split("~") if s.strip()]
    gs = next(s for s in segments if s[0] == "GS")
    sim.notices.append({"text": text, "group": gs[6], "received_at": time.time()})
    body = [
        ["AK1", "SH", gs[6]],
        ["AK2", "856", "0001"],
        ["AK5", "A"],
        ["AK9", "A", "1", "1", "1"],
    ]
    ack = interchange(sim.my_id, sim.hub_id, next(sim.controls), "FA", body, "997")
    async with httpx.AsyncClient() as client:
        await client.post(
            sim.hub_url, content=ack.encode(), headers={"X-Crossdock-Token": sim.hub_token}
        )
    return {"received": gs[6]}


@router.get("/_notices")
async def received(sim: Sim) -> list[dict[str, Any]]:
    return sim.notices


@router.get("/_acks")
async def hub_acks(sim: Sim) -> list[str]:
    return sim.acks


def create_app(my_id: str, hub_id: str, hub_url: str, my_token: str, hub_token: str) -> FastAPI:
    app = FastAPI(title="EDI trading partner simulator")
    app.state.sim = EdiPartner(my_id, hub_id, hub_url, my_token, hub_token)
    app.include_router(router)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's EDI trading partner simulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--hub-id", required=True)
    parser.add_argument("--hub-url", required=True)
    args = parser.parse_args()
    app = create_app(
        args.id, args.hub_id, args.hub_url, os.environ["PARTNER_TOKEN"], os.environ["HUB_TOKEN"]
    )
    uvicorn.run(app, host=listen.HOST, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
