"""Reading 856 ship notices (services/shipping_bridge/ship_notices.py), against the
contract fixture composed from the 4010 implementation guides (tests/fixtures/x12)."""

import pytest

from services.shipping_bridge.ship_notices import NoticeFault, read_ship_notice, sscc_valid
from shared.x12.codes import ELEMENT_INVALID_CHARACTER, ELEMENT_INVALID_CODE
from shared.x12.envelope import TransactionSet, parse
from simulators.ship_notices import sscc
from tests.support.x12 import pick_pack_856

SSCC1, SSCC2 = sscc("0614141", 1001, "1"), sscc("0614141", 1002, "1")


def fixture(**changes: str) -> str:
    values = {"PO": "#1001", "SKU_A": "MUG-BLUE", "SKU_B": "MUG-RED"}
    return pick_pack_856(**(values | {"SSCC1": SSCC1, "SSCC2": SSCC2} | changes))


def the_set(text: str) -> TransactionSet:
    [group] = parse(text).groups
    [st] = group.sets
    assert st.problem is None, st.problem
    return st


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def test_the_documented_pick_pack_notice_reads_into_its_parcels() -> None:
    notice = read_ship_notice(the_set(fixture()))

    assert (notice.notice_id, notice.carrier, notice.tracking_number) == (
        "ASN-88001",
        "UPSN",
        "BOL-555123",
    )
    [order] = notice.orders
    assert order.po_number == "#1001"
    first, second = order.parcels
    assert (first.key, first.tracking_number, first.lines) == (
        SSCC1,
        "1Z999AA10000000001",  # the pack's own MAN*CP
        {"MUG-BLUE": 2, "MUG-RED": 1},  # the UPC before our SKU is passed over
    )
    # No package id of its own: the shipment's bill of lading stands for it.
    assert (second.key, second.tracking_number, second.lines) == (
        SSCC2,
        "BOL-555123",
        {"MUG-BLUE": 1},
    )


def test_an_sscc_is_checked_by_its_gs1_check_digit() -> None:
    assert sscc_valid("106141411234567897")  # GS1's own example
    assert not sscc_valid("106141411234567898")
    assert not sscc_valid("10614141123456789")

    wrong = SSCC1[:-1] + str((int(SSCC1[-1]) + 1) % 10)
    with pytest.raises(NoticeFault) as caught:
        read_ship_notice(the_set(fixture(SSCC1=wrong)))
    fault = caught.value.fault
    assert (fault.segment, fault.position, fault.element, fault.element_code) == (
        "MAN",
        13,  # ST is 1: MAN*GM of the first pack is the 13th segment
        2,
        ELEMENT_INVALID_CODE,
    )
    assert fault.bad_value == wrong


def test_an_sscc_with_its_application_identifier_in_front_is_taken() -> None:
    notice = read_ship_notice(the_set(fixture(SSCC1="00" + SSCC1)))
    assert notice.orders[0].parcels[0].key == SSCC1


@pytest.mark.parametrize(
    ("old", "new", "segment", "element", "code"),
    [
        ("CTT*7*4~", "CTT*6*4~", "CTT", 1, ELEMENT_INVALID_CODE),  # HL count
        ("CTT*7*4~", "CTT*7*5~", "CTT", 2, ELEMENT_INVALID_CODE),  # hash total of SN102
        ("SN1**2*EA~", "SN1**two*EA~", "SN1", 2, ELEMENT_INVALID_CHARACTER),
        ("SN1**2*EA~", "SN1**2*CA~", "SN1", 3, ELEMENT_INVALID_CODE),  # cases, not eaches
        ("LIN*1*SK*MUG-BLUE~\nSN1**2", "LIN*1*UP*012345678905~\nSN1**2", "LIN", 2, "7"),
        ("HL*7*6*I~", "HL*7*9*I~", "HL", 2, ELEMENT_INVALID_CODE),  # no level 9
        ("HL*6*2*P~", "HL*6*2*X~", "HL", 3, ELEMENT_INVALID_CODE),
    ],
)
def test_each_fault_is_pointed_at_with_its_element_and_code(
    old: str, new: str, segment: str, element: int, code: str
) -> None:
    with pytest.raises(NoticeFault) as caught:
        read_ship_notice(the_set(edited(fixture(), old, new)))
    fault = caught.value.fault
    assert (fault.segment, fault.element, fault.element_code) == (segment, element, code)
    assert fault.position is not None and fault.position > 1


def test_a_notice_without_a_carrier_or_a_tracking_number_is_refused() -> None:
    no_carrier = edited(fixture(), "TD5*B*2*UPSN*M~\n", "")
    no_carrier = edited(no_carrier, "SE*28*", "SE*27*")
    with pytest.raises(NoticeFault, match="TD5: no carrier"):
        read_ship_notice(the_set(no_carrier))

    no_tracking = edited(fixture(), "REF*BM*BOL-555123~\n", "")
    no_tracking = edited(no_tracking, "SE*28*", "SE*27*")
    with pytest.raises(NoticeFault, match="no tracking number") as caught:
        read_ship_notice(the_set(no_tracking))
    assert caught.value.fault.segment == "HL"  # the second pack's level


def test_an_order_level_without_its_purchase_order_is_a_missing_segment() -> None:
    text = edited(fixture(), "PRF*#1001~\n", "")
    text = edited(text, "SE*28*", "SE*27*")
    with pytest.raises(NoticeFault) as caught:
        read_ship_notice(the_set(text))
    assert "PRF" in str(caught.value)


def test_items_straight_under_the_order_ship_as_one_parcel() -> None:
    """The S, O, I structure (no packs): the order's items are one parcel."""
    text = fixture()
    for old, new in [
        ("HL*3*2*P~\nMAN*GM*" + SSCC1 + "~\nMAN*CP*1Z999AA10000000001~\n", ""),
        ("HL*4*3*I~", "HL*3*2*I~"),
        ("HL*5*3*I~", "HL*4*2*I~"),
        ("HL*6*2*P~\nMAN*GM*" + SSCC2 + "~\n", ""),
        ("HL*7*6*I~", "HL*5*2*I~"),
        ("CTT*7*4~", "CTT*5*4~"),
        ("SE*28*", "SE*23*"),
    ]:
        text = edited(text, old, new)
    [order] = read_ship_notice(the_set(text)).orders
    [parcel] = order.parcels
    assert (parcel.tracking_number, parcel.lines) == ("BOL-555123", {"MUG-BLUE": 3, "MUG-RED": 1})
