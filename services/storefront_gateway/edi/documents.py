"""What the transaction sets mean: 850 in (a purchase order becomes an order), 997 both
ways (acknowledgements, in shared.x12), 856 out (a ship notice per dispatch).

850 segments used: BEG (03: PO number), CUR (02: currency), N1 loops (BY: the buyer,
ST: ship-to, with N4 04 country), PO1 (01 line, 02 quantity, 03 unit, 04 unit price, then
qualifier/id pairs: VP vendor part = our SKU, BP buyer part and UP UPC looked up in the
cross-reference), PID (05: description), CTT (01: number of PO1 lines, checked).
"""

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.domain import (
    ChannelOrder,
    MappedOrder,
    build_order,
    first_error,
    minor,
)
from services.storefront_gateway.edi.faults import SegmentFault, element_fault, missing_segment
from shared.events.addresses import Address
from shared.events.orders import LineKind, OrderLine
from shared.x12 import codes as f
from shared.x12.codes import Fault
from shared.x12.envelope import Segment, TransactionSet

Resolve = Callable[[str, str], Awaitable[str | None]]
# PO1 product id qualifiers -> cross-reference system (None: it is our SKU already).
QUALIFIERS: dict[str, str | None] = {
    "VP": None,
    "BP": "buyer_part",
    "UP": "barcode",
    "IN": "buyer_part",
}


def _el(segment: Segment, n: int) -> str:
    return segment[n].strip() if len(segment) > n else ""


async def purchase_order(
    st: TransactionSet, channel: ChannelConfig, resolve: Resolve
) -> MappedOrder:
    """The canonical order of one 850; MappingError names the segment and the reason."""
    beg = _first(st, "BEG")
    ref = _el(beg, 3)
    if not ref:
        at = st.segments.index(beg)
        raise element_fault(
            "BEG03: no purchase order number", "BEG", at, 3, f.ELEMENT_MANDATORY_MISSING
        )
    cur = next((s for s in st.segments if s[0] == "CUR"), None)
    currency = _el(cur, 2) if cur else "USD"
    lines = await _lines(st, currency, resolve)
    total = sum(x.gross_minor for x in lines)
    ship_to = _ship_to(st)
    return build_order(
        channel,
        ChannelOrder(
            ref=ref,
            name=f"PO {ref}",
            currency=currency,
            lines=lines,
            unmapped=[],
            discount_minor=0,
            shipping_minor=0,
            tax_minor=0,
            total_minor=total,
            taxes_included=False,
            ship_to_country=ship_to.country if ship_to else None,
            customer_email=None,
            customer_company=_party(st, "BY") or channel.id,
            ship_to=ship_to,
            requested_ship_date=_date(st, "010"),
            requested_delivery_date=_date(st, "002"),
            payment_terms=_terms(st),
        ),
    )


async def _lines(st: TransactionSet, currency: str, resolve: Resolve) -> list[OrderLine]:
    """Every PO1, as many as CTT01 says."""
    lines = [
        await _line(s, st, n, currency, resolve) for n, s in enumerate(st.segments) if s[0] == "PO1"
    ]
    if not lines:
        raise missing_segment("PO1: the purchase order has no lines", "PO1", len(st.segments))
    at = next((n for n, s in enumerate(st.segments) if s[0] == "CTT"), None)
    if at is not None and _el(st.segments[at], 1) != str(len(lines)):
        said = _el(st.segments[at], 1)
        # The code list has no word for a wrong hash total: the element is marked
        # invalid (7) and the reason says what it should have been.
        reason = f"CTT01 says {said} lines, the order has {len(lines)}"
        raise element_fault(reason, "CTT", at, 1, f.ELEMENT_INVALID_CODE, said)
    return lines


def _first(st: TransactionSet, tag: str) -> Segment:
    found = next((s for s in st.segments if s[0] == tag), None)
    if found is None:
        raise missing_segment(f"{tag}: missing", tag, len(st.segments))
    return found


async def _line(
    po1: Segment, st: TransactionSet, at: int, currency: str, resolve: Resolve
) -> OrderLine:
    number = _el(po1, 1) or str(at)
    where = f"PO1 line {number}"
    try:
        quantity = int(_el(po1, 2))
    except ValueError as exc:
        reason = f"{where}: quantity {_el(po1, 2)!r} is not a whole number"
        code = f.ELEMENT_MANDATORY_MISSING if not _el(po1, 2) else f.ELEMENT_INVALID_CHARACTER
        raise element_fault(reason, "PO1", at, 2, code, _el(po1, 2)) from exc
    unit_price = minor(_el(po1, 4) or "0", currency, f"{where}: unit price")
    sku = await _sku(po1, at, where, resolve)
    following = st.segments[at + 1] if at + 1 < len(st.segments) else ["", ""]
    title = _el(following, 5) if following[0] == "PID" else sku
    return OrderLine(
        line_ref=number,
        kind=LineKind.STOCK,
        sku=sku,
        title=title or sku,
        quantity=quantity,
        gross_minor=unit_price * quantity,
    )


async def _sku(po1: Segment, at: int, where: str, resolve: Resolve) -> str:
    pairs = [(_el(po1, i), _el(po1, i + 1)) for i in range(6, len(po1) - 1, 2)]
    for qualifier, value in pairs:
        if qualifier in QUALIFIERS and value:
            system = QUALIFIERS[qualifier]
            if system is None:
                return value
            found = await resolve(system, value)
            if found is not None:
                return found
    named = ", ".join(f"{q} {v}" for q, v in pairs if q) or "none"
    reason = f"{where}: no product id maps to a SKU (given: {named})"
    given = next((i + 1 for i in range(6, len(po1) - 1, 2) if _el(po1, i + 1)), None)
    if given is None:  # PO107, the first product id, is missing
        raise element_fault(reason, "PO1", at, 7, f.ELEMENT_MANDATORY_MISSING)
    raise element_fault(reason, "PO1", at, given, f.ELEMENT_INVALID_CODE, _el(po1, given))


def _date(st: TransactionSet, qualifier: str) -> date | None:
    """DTM01 qualifier (010 requested ship, 002 delivery requested), DTM02 CCYYMMDD."""
    for at, s in enumerate(st.segments):
        if s[0] == "DTM" and _el(s, 1) == qualifier:
            try:
                return datetime.strptime(_el(s, 2), "%Y%m%d").date()
            except ValueError as exc:
                reason = f"DTM*{qualifier}: {_el(s, 2)!r} is not a CCYYMMDD date"
                raise element_fault(
                    reason, "DTM", at, 2, f.ELEMENT_INVALID_DATE, _el(s, 2)
                ) from exc
    return None


def _terms(st: TransactionSet) -> str | None:
    """ITD: its description (ITD12) where given, else the net days (ITD07) and any early
    payment discount (ITD03 percent within ITD05 days), as a buyer's terms read."""
    itd = next((s for s in st.segments if s[0] == "ITD"), None)
    if itd is None:
        return None
    if _el(itd, 12):
        return _el(itd, 12)[:200]
    parts = [f"{_el(itd, 3)}% {_el(itd, 5)} days"] if _el(itd, 3) and _el(itd, 5) else []
    parts += [f"Net {_el(itd, 7)}"] if _el(itd, 7) else []
    return ", ".join(parts) or None


def _party(st: TransactionSet, role: str) -> str | None:
    return next((_el(s, 2) for s in st.segments if s[0] == "N1" and _el(s, 1) == role), None)


def _ship_to(st: TransactionSet) -> Address | None:
    """The N1*ST loop: N102 name, N104 the partner's id for the place (a store number),
    N3 street lines, N4 city, state, postal code and country (X12 4010)."""
    loop: dict[str, list[str]] = {}
    inside = False
    for s in st.segments:
        if s[0] == "N1":
            inside = _el(s, 1) == "ST"
            if inside:
                loop = {"name": [_el(s, 2)], "reference": [_el(s, 4)], "lines": []}
        elif inside and s[0] == "N3":
            loop["lines"] += [x for x in (_el(s, 1), _el(s, 2)) if x]
        elif inside and s[0] == "N4":
            loop.update(city=[_el(s, 1)], region=[_el(s, 2)], postal=[_el(s, 3)], co=[_el(s, 4)])
    if not loop.get("co", [""])[0]:
        return None
    first = {k: (v[0] or None) if v else None for k, v in loop.items() if k != "lines"}
    try:
        return Address(
            name=first.get("name"),
            reference=first.get("reference"),
            lines=tuple(loop["lines"][:3]),
            city=first.get("city"),
            region=first.get("region"),
            postal_code=first.get("postal"),
            country=str(first["co"]).upper(),
        )
    except ValidationError as exc:
        at = next(n for n, s in enumerate(st.segments) if s[0] == "N1" and _el(s, 1) == "ST")
        raise SegmentFault(
            Fault(f"N1*ST: {first_error(exc)}", segment="N1", position=at + 2)
        ) from exc


def ship_notice(payload: dict[str, Any], when: str) -> list[Segment]:
    """The 856 body for one dispatched shipment: shipment > order > item levels."""
    body: list[Segment] = [
        ["BSN", "00", str(payload["shipment_ref"])[:30], when[:8], when[8:12]],
        ["HL", "1", "", "S"],
        ["TD5", "B", "2", str(payload["carrier"])[:35]],
        ["REF", "CN", str(payload["tracking_number"])[:30]],
        ["DTM", "011", when[:8]],
        ["HL", "2", "1", "O"],
        ["PRF", str(payload["channel_order_ref"])],
    ]
    for n, item in enumerate(payload["line_items"], start=3):
        body += [
            ["HL", str(n), "2", "I"],
            ["LIN", str(item.get("line_ref") or ""), "VP", str(item["sku"])],
            ["SN1", "", str(item["quantity"]), "EA"],
        ]
    body.append(["CTT", str(2 + len(payload["line_items"]))])
    return body
