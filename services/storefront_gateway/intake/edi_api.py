"""Trading partners post interchanges to `POST /edi/{channel_id}` (the channel's token
in `X-Crossdock-Token`, as an AS2 gateway in front would) and get the 997 back.

An interchange that cannot be read, or is not between this partner and us, is refused
whole (400, with the reason). Otherwise every 850 becomes an order — or, when a set's
counts are wrong or it cannot be mapped, is rejected in the 997 with the reason kept
(a mappable problem is quarantined, replayable) — and every 997 the partner sends for
our 856s is recorded. A retransmitted interchange changes nothing: each set is accepted
once, by the partner, interchange, group and set control numbers.
"""

import hmac
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError, fails, settled
from services.storefront_gateway.edi import documents
from services.storefront_gateway.edi.faults import SegmentFault
from services.storefront_gateway.intake import handlers
from services.storefront_gateway.intake.deps import IntakeParts, Parts
from services.storefront_gateway.intake.webhooks import accept_delivery, read_limited
from shared.db import UnitOfWork
from shared.deps import Uow, UowFactory
from shared.x12.acknowledgements import acknowledged, acknowledgement
from shared.x12.codes import SET_NOT_SUPPORTED, Fault
from shared.x12.envelope import (
    Interchange,
    TransactionSet,
    Writer,
    X12Error,
    parse,
    rejection,
)

door = APIRouter(tags=["edi"])  # the partner's, on its own token
router = APIRouter(tags=["edi"])  # operators', behind theirs


@door.post("/edi/{channel_id}")
async def receive(
    channel_id: str, request: Request, parts: Parts, units: UowFactory
) -> PlainTextResponse:
    channel = parts.channels.by_id(channel_id)
    if channel is None or channel.platform is not Platform.EDI:
        raise HTTPException(404, f"no EDI trading partner {channel_id!r}")
    token = request.headers.get("x-crossdock-token", "")
    if not hmac.compare_digest(token.encode(), parts.channels.secret(channel)):
        raise HTTPException(401, "X-Crossdock-Token missing or wrong")
    raw = (await read_limited(request, parts.max_body_bytes)).decode("utf-8", errors="replace")
    our_id = parts.edi_id
    try:
        interchange = parse(raw)
    except X12Error as exc:
        return _refused(raw, our_id, f"interchange rejected: {exc}")
    if (interchange.sender, interchange.receiver) != (channel.shop, our_id):
        raise HTTPException(
            400,
            f"interchange rejected: from {interchange.sender} to {interchange.receiver},"
            f" expected from {channel.shop} to {our_id}",
        )
    reply = Writer(our_id, channel.shop, _control(interchange), "FA", _now(), interchange.test)
    accepted = rejected = 0
    for group in interchange.groups:
        verdicts: dict[str, Fault | None] = {}
        for st in group.sets:
            verdict = await _take(parts, units, channel, interchange, group.control, st, raw)
            verdicts[st.control] = verdict
            accepted += verdict is None
            rejected += verdict is not None
        if group.functional_id != "FA":
            reply.add("997", acknowledgement(group, verdicts))
    headers = {"X-Crossdock-Result": f"accepted={accepted} rejected={rejected}"}
    text = reply.text() if reply.sets else ""  # acknowledgements are not acknowledged
    return PlainTextResponse(text, media_type="application/edi-x12", headers=headers)


@router.get("/edi/{channel_id}/acks")
async def acks(channel_id: str, uow: Uow) -> dict[str, object]:
    """The partner's 997s for our ship notices, newest first."""
    async with uow:
        records = await uow.connection.fetch(
            "SELECT group_control, status, set_statuses, received_at FROM edi_acks"
            " WHERE channel = $1 ORDER BY id DESC LIMIT 200",
            channel_id,
        )
    return {"acks": [dict(r) for r in records]}


async def _take(
    parts: IntakeParts,
    units: Callable[[], UnitOfWork],
    channel: ChannelConfig,
    interchange: Interchange,
    group: str,
    st: TransactionSet,
    raw: str,
) -> Fault | None:
    """None when the set is taken; otherwise why it is rejected, in the 997's codes."""
    if st.problem:
        return st.fault or Fault(st.problem)
    if st.code == "997":
        await _record_ack(units, channel.id, st)
        return None
    if st.code != "850":
        return Fault(f"transaction set {st.code} is not handled", set_code=SET_NOT_SUPPORTED)
    fault = None
    try:
        mapper = settled(await documents.purchase_order(st, channel, parts.resolve))
    except SegmentFault as exc:
        mapper, fault = fails(str(exc)), exc.fault
    except MappingError as exc:
        mapper = fails(str(exc))
    key = f"x12:{interchange.control}:{group}:{st.control}"
    body = f"{group}|{st.control}|{raw}".encode()
    delivery = handlers.Delivery(channel.id, "edi", key, "850", {}, body)
    receipt = await accept_delivery(delivery, mapper, units(), parts.metrics, parts.group_commit)
    if receipt.status != "quarantined":
        return None
    # Kept with its reason (replayable); the partner hears where, where we know it.
    return fault or Fault(receipt.reason or "the order cannot be taken")


async def _record_ack(units: Callable[[], UnitOfWork], channel_id: str, st: TransactionSet) -> None:
    """A partner's 997 for one of our ship notices."""
    ours, status, sets = acknowledged(st)
    async with units() as uow:
        await uow.connection.execute(
            "INSERT INTO edi_acks (channel, group_control, status, set_statuses)"
            " VALUES ($1, $2, $3, $4)",
            channel_id,
            ours,
            status,
            sets,
        )
        await uow.commit()


def _refused(raw: str, our_id: str, reason: str) -> PlainTextResponse:
    """400 with the reason, and a TA1 saying so where the envelope is readable enough."""
    ta1 = rejection(raw, our_id, reason, _now())
    if ta1 is None:
        raise HTTPException(400, reason)
    headers = {"X-Crossdock-Reason": reason}
    return PlainTextResponse(ta1, 400, media_type="application/edi-x12", headers=headers)


def _control(interchange: Interchange) -> int:
    """Our 997's interchange number: derived from theirs, so a retransmission is answered
    with the same document."""
    return int(interchange.control) % 10**9 if interchange.control.isdigit() else 1


def _now() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M")
