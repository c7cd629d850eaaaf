"""3PLs that speak X12 post interchanges of 856 ship notices to `POST /3pl/v1/edi`, on
their own `X-Api-Key`, and get the 997 back (docs/3pl-api.md).

An interchange that cannot be read, or is not from this 3PL's `edi_id` to ours, is
refused whole (400, with a TA1 where its ISA is readable). Each 856 becomes the parcels
it reports, or is rejected in the 997 with the segment and element in error. A
re-sent interchange (the same ISA13 from the same 3PL) is a duplicate: nothing is taken
again and the first 997 is answered again.
"""

import hashlib
from datetime import UTC, datetime

import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from services.shipping_bridge.api import Caller
from services.shipping_bridge.edi_repository import interchange_had, record_interchange
from services.shipping_bridge.fulfillers import Fulfillers
from services.shipping_bridge.ship_notice_intake import record_notice
from services.shipping_bridge.ship_notices import NoticeFault, read_ship_notice
from shared.deps import UowFactory
from shared.x12.acknowledgements import acknowledgement
from shared.x12.codes import SET_NOT_SUPPORTED, Fault
from shared.x12.envelope import Interchange, TransactionSet, Writer, X12Error, parse, rejection

router = APIRouter(prefix="/3pl/v1", tags=["3PL API"])
log = structlog.get_logger(__name__)
EDI = "application/edi-x12"


@router.post("/edi", response_class=PlainTextResponse)
async def receive(request: Request, caller: Caller, units: UowFactory) -> PlainTextResponse:
    """An X12 004010 interchange of 856s; the 997 (or a TA1) back."""
    fulfillers: Fulfillers = request.app.state.fulfillers
    config = fulfillers.get(caller)
    if config is None or config.edi_id is None:
        raise HTTPException(403, f"{caller} has no edi_id in the fulfillers file: EDI is off")
    raw = (await request.body()).decode("utf-8", errors="replace")
    our_id: str = request.app.state.edi_id
    try:
        interchange = parse(raw)
    except X12Error as exc:
        return _refused(raw, our_id, f"interchange rejected: {exc}")
    if (interchange.sender, interchange.receiver) != (config.edi_id, our_id):
        reason = (
            f"interchange rejected: from {interchange.sender} to {interchange.receiver},"
            f" expected from {config.edi_id} to {our_id}"
        )
        raise HTTPException(400, reason)
    digest = hashlib.sha256(raw.encode()).hexdigest()
    async with units() as uow:
        had = await interchange_had(uow.connection, caller, interchange.control)
    if had is not None:
        return _duplicate(caller, interchange, had, digest)
    text, result = await _answer(caller, interchange, config.edi_id, our_id, units)
    async with units() as uow:
        await record_interchange(uow.connection, caller, interchange.control, digest, text, result)
        await uow.commit()
    return PlainTextResponse(text, media_type=EDI, headers={"X-Crossdock-Result": result})


async def _answer(
    caller: str, interchange: Interchange, their_id: str, our_id: str, units: UowFactory
) -> tuple[str, str]:
    """The 997 for every group (none for a group of 997s) and the tally."""
    control = int(interchange.control) % 10**9 if interchange.control.isdigit() else 1
    when = datetime.now(UTC).strftime("%Y%m%d%H%M")
    reply = Writer(our_id, their_id, control, "FA", when, interchange.test)
    accepted = rejected = 0
    for group in interchange.groups:
        verdicts: dict[str, Fault | None] = {}
        for st in group.sets:
            verdicts[st.control] = verdict = await _take(caller, st, units)
            accepted += verdict is None
            rejected += verdict is not None
        if group.functional_id != "FA":
            reply.add("997", acknowledgement(group, verdicts))
    return (reply.text() if reply.sets else ""), f"accepted={accepted} rejected={rejected}"


async def _take(caller: str, st: TransactionSet, units: UowFactory) -> Fault | None:
    if st.problem:
        return st.fault or Fault(st.problem)
    if st.code == "997":  # an acknowledgement of our 997s: nothing to do
        return None
    if st.code != "856":
        return Fault(f"transaction set {st.code} is not handled here", set_code=SET_NOT_SUPPORTED)
    try:
        await record_notice(caller, read_ship_notice(st), units())
    except NoticeFault as exc:
        log.info("ship notice rejected", fulfiller=caller, set=st.control, reason=str(exc))
        return exc.fault
    return None


def _duplicate(
    caller: str, interchange: Interchange, had: dict[str, str], digest: str
) -> PlainTextResponse:
    headers = {"X-Crossdock-Result": f"duplicate of interchange {interchange.control}"}
    if had["digest"] != digest:
        # The same control number on other content: still not taken twice, but said.
        headers["X-Crossdock-Warning"] = "content differs from the first interchange"
        log.warning(
            "interchange control number reused", fulfiller=caller, control=interchange.control
        )
    return PlainTextResponse(had["reply"], media_type=EDI, headers=headers)


def _refused(raw: str, our_id: str, reason: str) -> PlainTextResponse:
    when = datetime.now(UTC).strftime("%Y%m%d%H%M")
    ta1 = rejection(raw, our_id, reason, when)
    if ta1 is None:
        raise HTTPException(400, reason)
    headers = {"X-Crossdock-Reason": reason}
    return PlainTextResponse(ta1, 400, media_type=EDI, headers=headers)
