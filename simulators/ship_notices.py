"""X12 004010 856 ship notices as a warehouse's EDI system writes them: the pick/pack
structure (shipment > order > pack > item), one pack per parcel with its SSCC-18 and
the carrier's package id, CTT01 the number of HL segments and CTT02 the units — the
layout of the 4010 implementation guides, e.g.
https://developer.walmart.com/suppliers/docs/856-ship-notice-and-manifest-transaction-set
and https://www.stedi.com/app/guides/view/d-h/customer-ship-noticemanifest/01GYW49YGRTYT4QDDXM50KE3XD
"""

import time
from dataclasses import dataclass, field

from simulators.edi_partner import interchange


@dataclass
class Pack:
    sscc: str
    tracking_number: str | None
    lines: list[tuple[str, int]]  # (our SKU, units)


@dataclass
class Notice:
    notice_id: str  # BSN02
    po_number: str  # PRF01: the order name the fulfilment order carried
    carrier: str  # TD503, the SCAC
    packs: list[Pack] = field(default_factory=list)
    bill_of_lading: str | None = None


def sscc(company_prefix: str, serial: int, extension: str = "0") -> str:
    """An SSCC-18: extension digit, GS1 company prefix, serial, GS1 mod-10 check digit."""
    body = f"{extension}{company_prefix}"
    body += str(serial).zfill(17 - len(body))[-(17 - len(body)) :]
    weighted = sum(int(d) * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(body)))
    return body + str((10 - weighted % 10) % 10)


def body_of(notice: Notice) -> list[list[str]]:
    today, now = time.strftime("%Y%m%d", time.gmtime()), time.strftime("%H%M", time.gmtime())
    segments = [
        ["BSN", "00", notice.notice_id, today, now, "0001"],
        ["HL", "1", "", "S"],
        ["TD1", "CTN25", str(len(notice.packs))],
        ["TD5", "B", "2", notice.carrier, "M"],
    ]
    if notice.bill_of_lading:
        segments.append(["REF", "BM", notice.bill_of_lading])
    segments += [["DTM", "011", today], ["HL", "2", "1", "O"], ["PRF", notice.po_number]]
    number, units = 2, 0
    for pack in notice.packs:
        number += 1
        pack_level = number
        segments += [["HL", str(pack_level), "2", "P"], ["MAN", "GM", pack.sscc]]
        if pack.tracking_number:
            segments.append(["MAN", "CP", pack.tracking_number])
        for n, (sku, quantity) in enumerate(pack.lines, start=1):
            number += 1
            units += quantity
            segments += [
                ["HL", str(number), str(pack_level), "I"],
                ["LIN", str(n), "SK", sku],
                ["SN1", "", str(quantity), "EA"],
            ]
    segments.append(["CTT", str(number), str(units)])
    return segments


def ship_notice(sender: str, receiver: str, control: int, notice: Notice) -> str:
    """One interchange (GS01 SH) holding one 856."""
    return interchange(sender, receiver, control, "SH", body_of(notice), "856")
