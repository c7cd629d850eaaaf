"""An X12 856 ship notice, read into the parcels it reports. Pure: one transaction set
in, a ShipNotice out — or a NoticeFault pointing at the segment in the 997's terms.

The 856 is a tree of HL loops (HL01 its id, HL02 its parent's, HL03 its level): the
shipment (S: TD5 carrier, REF*CN carrier reference / REF*BM bill of lading), orders (O:
PRF01 the purchase order number — the order name our fulfilment order carried), packs
(P, or T for a pallet: MAN*GM the SSCC-18, MAN*CP the carrier's package id) and items
(I: LIN qualifier/id pairs, SN1 02 units shipped, 03 unit of measure). CTT01 counts
the HL segments, CTT02 (when sent) the sum of SN102. Layout as the 4010 implementation
guides show it: https://developer.walmart.com/suppliers/docs/856-ship-notice-and-manifest-transaction-set
and https://www.stedi.com/app/guides/view/d-h/customer-ship-noticemanifest/01GYW49YGRTYT4QDDXM50KE3XD
"""

from dataclasses import dataclass, field

from shared.x12 import codes
from shared.x12.codes import Fault
from shared.x12.envelope import Segment, TransactionSet

# LIN qualifiers naming the SKU we sent: a 3PL ships what we asked for by our number.
OUR_SKU = ("SK", "VP", "BP", "IN")
CONTAINERS = ("P", "T")  # a pack (carton) or a tare (pallet): one parcel each


class NoticeFault(ValueError):
    """An 856 that cannot be taken, and where in it."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.reason)
        self.fault = fault


@dataclass
class Parcel:
    """One pack (or the order's items when no pack is reported): one dispatch."""

    key: str  # the SSCC, or the order level's HL01 when there is no pack
    position: int  # of its HL, ST counted as 1
    tracking_number: str | None = None
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class NoticeOrder:
    po_number: str
    position: int  # of its PRF
    parcels: list[Parcel] = field(default_factory=list)


@dataclass
class ShipNotice:
    notice_id: str  # BSN02: the sender's shipment identification
    carrier: str | None = None
    tracking_number: str | None = None  # the shipment's: REF*CN, else REF*BM
    orders: list[NoticeOrder] = field(default_factory=list)


@dataclass
class _Level:
    code: str
    position: int
    parent: "_Level | None"
    sku: str | None = None  # an item's, from its LIN
    order: NoticeOrder | None = None
    parcel: Parcel | None = None


def _el(segment: Segment, n: int) -> str:
    return segment[n].strip() if len(segment) > n else ""


def _fault(reason: str, segment: str, at: int, element: int, code: str, value: str = "") -> Fault:
    return Fault(
        reason,
        segment=segment,
        position=at + 2,
        element=element,
        element_code=code,
        bad_value=value or None,
    )


def read_ship_notice(st: TransactionSet) -> ShipNotice:
    bsn = next((s for s in st.segments if s[0] == "BSN"), None)
    if bsn is None or not _el(bsn, 2):
        reason = "BSN02: no shipment identification"
        missing = codes.SEGMENT_MANDATORY_MISSING
        raise NoticeFault(Fault(reason, segment="BSN", position=2, segment_code=missing))
    notice = ShipNotice(_el(bsn, 2))
    levels: dict[str, _Level] = {}
    current: _Level | None = None
    units = 0
    for at, segment in enumerate(st.segments):
        tag = segment[0]
        if tag == "HL":
            current = _open_level(levels, segment, at)
        elif tag == "SN1":
            units += _item_units(current, segment, at)
        elif current is not None and tag in _DETAILS:
            _DETAILS[tag](notice, current, segment, at)
    _check_totals(st, len(levels), units)
    return _complete(notice, levels)


def _open_level(levels: dict[str, _Level], hl: Segment, at: int) -> _Level:
    own, parent_id, code = _el(hl, 1), _el(hl, 2), _el(hl, 3)
    if not own or own in levels:
        raise NoticeFault(
            _fault(f"HL01 {own!r} is not a new id", "HL", at, 1, codes.ELEMENT_INVALID_CODE, own)
        )
    if parent_id and parent_id not in levels:
        reason = f"HL02 {parent_id}: no earlier level has that id"
        raise NoticeFault(_fault(reason, "HL", at, 2, codes.ELEMENT_INVALID_CODE, parent_id))
    if code not in ("S", "O", "I", *CONTAINERS):
        reason = f"HL03 {code!r}: levels taken are S, O, T, P and I"
        raise NoticeFault(_fault(reason, "HL", at, 3, codes.ELEMENT_INVALID_CODE, code))
    level = _Level(code, at, levels.get(parent_id))
    levels[own] = level
    if code in CONTAINERS or code == "I":
        order = _ancestor(level, "O")
        if order is None or order.order is None:
            reason = f"HL {own}: a {code} level needs an order level (HL*O with PRF) above it"
            raise NoticeFault(_fault(reason, "HL", at, 2, codes.ELEMENT_INVALID_CODE, parent_id))
        if code in CONTAINERS:
            level.parcel = Parcel(f"HL{own}", at + 2)
            order.order.parcels.append(level.parcel)
    return level


def _ancestor(level: _Level | None, *wanted: str) -> _Level | None:
    while level is not None and level.code not in wanted:
        level = level.parent
    return level


def _parcel_of(item: _Level) -> Parcel:
    """The pack the item is in, else its order's own parcel (an 856 without packs)."""
    container = _ancestor(item, *CONTAINERS)
    if container is not None and container.parcel is not None:
        return container.parcel
    order = _ancestor(item, "O")
    assert order is not None and order.order is not None  # checked when the level opened
    if order.parcel is None:
        order.parcel = Parcel(f"HL-O{order.position}", order.position + 2)
        order.order.parcels.append(order.parcel)
    return order.parcel


def _item_units(item: _Level | None, sn1: Segment, at: int) -> int:
    if item is None or item.code != "I" or item.sku is None:
        reason = "SN1 outside an item level with its LIN"
        unexpected = codes.SEGMENT_UNEXPECTED
        raise NoticeFault(Fault(reason, segment="SN1", position=at + 2, segment_code=unexpected))
    said, unit = _el(sn1, 2), _el(sn1, 3)
    try:
        quantity = float(said)
    except ValueError:
        quantity = 0.0
    if quantity <= 0 or not quantity.is_integer():
        reason = f"SN102 {said!r}: units shipped must be a whole number above 0"
        raise NoticeFault(_fault(reason, "SN1", at, 2, codes.ELEMENT_INVALID_CHARACTER, said))
    if unit not in ("", "EA"):
        reason = f"SN103 {unit}: report eaches (EA), as the order was sent"
        raise NoticeFault(_fault(reason, "SN1", at, 3, codes.ELEMENT_INVALID_CODE, unit))
    parcel = _parcel_of(item)
    parcel.lines[item.sku] = parcel.lines.get(item.sku, 0) + int(quantity)
    return int(quantity)


def _carrier(notice: ShipNotice, level: _Level, td5: Segment, at: int) -> None:
    """TD503 the carrier's SCAC (TD502 2), else TD505 the routing as written."""
    notice.carrier = _el(td5, 3) or _el(td5, 5) or notice.carrier


def _reference(notice: ShipNotice, level: _Level, ref: Segment, at: int) -> None:
    qualifier, value = _el(ref, 1), _el(ref, 2)
    if qualifier == "CN" and level.parcel is not None:
        level.parcel.tracking_number = value or level.parcel.tracking_number
    elif qualifier == "CN" and level.code == "S":
        notice.tracking_number = value or notice.tracking_number
    elif qualifier == "BM" and level.code == "S":
        notice.tracking_number = notice.tracking_number or value or None


def _purchase_order(notice: ShipNotice, level: _Level, prf: Segment, at: int) -> None:
    if level.code != "O":
        return
    if not _el(prf, 1):
        reason = "PRF01: no purchase order number"
        raise NoticeFault(_fault(reason, "PRF", at, 1, codes.ELEMENT_MANDATORY_MISSING))
    level.order = NoticeOrder(_el(prf, 1), at + 2)
    notice.orders.append(level.order)


def _marks(notice: ShipNotice, level: _Level, man: Segment, at: int) -> None:
    """MAN*GM: the pack's SSCC-18 (an "00" application identifier in front is dropped);
    MAN*CP: the carrier's id for the package, its tracking number."""
    if level.parcel is None:
        return
    qualifier, value = _el(man, 1), _el(man, 2)
    if qualifier == "GM":
        sscc = value[2:] if len(value) == 20 and value.startswith("00") else value
        if not sscc_valid(sscc):
            reason = f"MAN02 {value}: not an SSCC-18 (18 digits, the last a GS1 check digit)"
            raise NoticeFault(_fault(reason, "MAN", at, 2, codes.ELEMENT_INVALID_CODE, value))
        level.parcel.key = sscc
    elif qualifier == "CP" and value:
        level.parcel.tracking_number = value


def _item(notice: ShipNotice, level: _Level, lin: Segment, at: int) -> None:
    """LIN02/03, 04/05, ...: qualifier and id pairs; the first naming our SKU is taken."""
    if level.code != "I":
        return
    pairs = [(_el(lin, n), _el(lin, n + 1)) for n in range(2, len(lin) - 1, 2)]
    level.sku = next((v for q, v in pairs if q in OUR_SKU and v), None)
    if level.sku is None:
        given = pairs[0][0] if pairs else ""
        reason = f"LIN: no SKU of ours (qualifier {', '.join(OUR_SKU)}); {given or 'none'} given"
        raise NoticeFault(_fault(reason, "LIN", at, 2, codes.ELEMENT_INVALID_CODE, given))


_DETAILS = {"TD5": _carrier, "REF": _reference, "PRF": _purchase_order, "MAN": _marks, "LIN": _item}


def sscc_valid(sscc: str) -> bool:
    """GS1 mod-10: weights 3 and 1 from the right of the 17 data digits."""
    if len(sscc) != 18 or not sscc.isdigit():
        return False
    digits = [int(c) for c in sscc]
    weighted = sum(d * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(digits[:17])))
    return (10 - weighted % 10) % 10 == digits[17]


def _check_totals(st: TransactionSet, hl_count: int, units: int) -> None:
    """CTT01 is the number of HL segments; CTT02, when sent, the sum of SN102."""
    for at, segment in enumerate(st.segments):
        if segment[0] != "CTT":
            continue
        said, total = _el(segment, 1), _el(segment, 2)
        if said != str(hl_count):
            reason = f"CTT01 says {said} HL segments, the set has {hl_count}"
            raise NoticeFault(_fault(reason, "CTT", at, 1, codes.ELEMENT_INVALID_CODE, said))
        if total and _number(total) != units:
            reason = f"CTT02 says {total} units, the SN1 segments ship {units}"
            raise NoticeFault(_fault(reason, "CTT", at, 2, codes.ELEMENT_INVALID_CODE, total))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _complete(notice: ShipNotice, levels: dict[str, _Level]) -> ShipNotice:
    """Every order level names its purchase order and ships something; every parcel has
    a carrier and a tracking number (its own, else the shipment's)."""
    missing = codes.SEGMENT_MANDATORY_MISSING
    for level in levels.values():
        if level.code == "O" and level.order is None:
            reason = "an order level (HL*O) without its PRF"
            at = level.position + 3
            raise NoticeFault(Fault(reason, segment="PRF", position=at, segment_code=missing))
    if not notice.orders:
        reason = "no order level: the notice names no purchase order (HL*O with PRF)"
        raise NoticeFault(Fault(reason, segment="HL", segment_code=missing))
    if not notice.carrier:
        reason = "TD5: no carrier (TD503 the SCAC, or TD505 the routing)"
        raise NoticeFault(Fault(reason, segment="TD5", segment_code=missing))
    for order in notice.orders:
        order.parcels = [p for p in order.parcels if p.lines]  # empty cartons ship nothing
        if not order.parcels:
            raise NoticeFault(Fault(f"purchase order {order.po_number} ships no items"))
        for parcel in order.parcels:
            parcel.tracking_number = parcel.tracking_number or notice.tracking_number
            if not parcel.tracking_number:
                reason = (
                    "no tracking number: MAN*CP or REF*CN on the pack, REF*CN/BM on the shipment"
                )
                raise NoticeFault(Fault(reason, segment="HL", position=parcel.position))
    return notice
