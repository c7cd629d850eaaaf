"""Each kind of fault in an 850, and the 997 that names it with the X12 004010 code lists:
AK304 segment syntax error codes (3 mandatory segment missing, 8 segment has data element
errors), AK403 data element syntax error codes (1 mandatory element missing, 6 invalid
character, 7 invalid code value, 8 invalid date), AK502 transaction set syntax error codes
(1 not supported, 3 control numbers differ, 4 wrong segment count, 5 segments in error)
and AK905 functional group syntax error codes (4 control numbers differ, 5 wrong count)."""

import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.edi.documents import purchase_order
from services.storefront_gateway.edi.faults import SegmentFault
from shared.x12.acknowledgements import acknowledgement
from shared.x12.codes import SET_NOT_SUPPORTED, Fault
from shared.x12.envelope import TransactionSet, Writer, parse
from tests.support.keys import TEST_ORDER_ID_KEY

CHANNEL = ChannelConfig(id="edi", platform=Platform.EDI, shop="RETAILER01", secret_env="X").keyed(
    TEST_ORDER_ID_KEY
)
BEG = ["BEG", "00", "SA", "PO-1", "", "20261128"]
PO1 = ["PO1", "1", "2", "EA", "3.50", "", "VP", "A"]


def one_set(body: list[list[str]], code: str = "850") -> TransactionSet:
    writer = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202612010900")
    writer.add(code, body)
    [st] = parse(writer.text()).groups[0].sets
    return st


async def known(system: str, value: str) -> str | None:
    return None


async def fault_of(body: list[list[str]]) -> Fault:
    with pytest.raises(SegmentFault) as raised:
        await purchase_order(one_set(body), CHANNEL, known)
    return raised.value.fault


def ack(st: TransactionSet, fault: Fault) -> list[list[str]]:
    writer = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202612010900")
    writer.add(st.code, [["BEG"]])
    group = parse(writer.text()).groups[0]
    return acknowledgement(group, {group.sets[0].control: fault})[2:-1]  # AK3..AK5


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # No BEG at all: mandatory segment missing, pointed at the trailer (position 4).
        ([PO1, ["CTT", "1"]], [["AK3", "BEG", "4", "", "3"], ["AK5", "R", "5"]]),
        # BEG03, the PO number, empty: mandatory element missing.
        (
            [["BEG", "00", "SA", ""], PO1, ["CTT", "1"]],
            [["AK3", "BEG", "2", "", "8"], ["AK4", "3", "", "1"], ["AK5", "R", "5"]],
        ),
        # A quantity with letters: invalid character, the bad value copied.
        (
            [BEG, ["PO1", "1", "2X", "EA", "3.50", "", "VP", "A"], ["CTT", "1"]],
            [["AK3", "PO1", "3", "", "8"], ["AK4", "2", "", "6", "2X"], ["AK5", "R", "5"]],
        ),
        # A product id nothing maps: invalid code value in PO107.
        (
            [BEG, ["PO1", "1", "2", "EA", "3.50", "", "UP", "0001"], ["CTT", "1"]],
            [["AK3", "PO1", "3", "", "8"], ["AK4", "7", "", "7", "0001"], ["AK5", "R", "5"]],
        ),
        # A date that is not CCYYMMDD: invalid date.
        (
            [BEG, ["DTM", "002", "20261341"], PO1, ["CTT", "1"]],
            [["AK3", "DTM", "3", "", "8"], ["AK4", "2", "", "8", "20261341"], ["AK5", "R", "5"]],
        ),
        # No line at all.
        ([BEG, ["CTT", "0"]], [["AK3", "PO1", "4", "", "3"], ["AK5", "R", "5"]]),
    ],
)
async def test_an_850_fault_is_pointed_at_with_its_code(
    body: list[list[str]], expected: list[list[str]]
) -> None:
    fault = await fault_of(body)
    assert ack(one_set(body), fault) == expected


def test_envelope_faults_of_a_set_have_their_own_ak5_codes() -> None:
    text = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202612010900")
    text.add("850", [BEG, PO1, ["CTT", "1"]])
    good = text.text()
    [count] = parse(good.replace("SE*5*0001", "SE*6*0001")).groups[0].sets
    [control] = parse(good.replace("SE*5*0001", "SE*5*0009")).groups[0].sets
    assert count.fault is not None and count.fault.set_code == "4"
    assert control.fault is not None and control.fault.set_code == "3"
    assert ack(count, count.fault) == [["AK5", "R", "4"]]
    unsupported = Fault("transaction set 855 is not handled", set_code=SET_NOT_SUPPORTED)
    assert ack(one_set([BEG], "855"), unsupported) == [["AK5", "R", "1"]]


def test_a_group_with_a_wrong_set_count_is_rejected_with_ak905() -> None:
    text = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202612010900")
    text.add("850", [BEG, PO1, ["CTT", "1"]])
    group = parse(text.text().replace("GE*1*7", "GE*2*7")).groups[0]
    assert acknowledgement(group, {"0001": None})[-1] == ["AK9", "R", "1", "1", "1", "5"]
