"""X12 envelopes: written and read back, every count and control number checked."""

from datetime import date

import pytest

from shared.x12.acknowledgements import acknowledgement
from shared.x12.codes import Fault
from shared.x12.envelope import Writer, X12Error, parse


def interchange(body: list[list[str]] | None = None) -> str:
    writer = Writer("RETAILER01", "CROSSDOCK", 42, "PO", "202611281200")
    writer.add(
        "850",
        body
        or [
            ["BEG", "00", "SA", "PO-1", "", "20261128"],
            ["PO1", "1", "2", "EA", "3.50", "", "VP", "A"],
            ["CTT", "1"],
        ],
    )
    return writer.text()


def test_a_written_interchange_reads_back_with_its_envelopes() -> None:
    parsed = parse(interchange())
    assert (parsed.sender, parsed.receiver, parsed.control) == (
        "RETAILER01",
        "CROSSDOCK",
        "000000042",
    )
    [group] = parsed.groups
    [st] = group.sets
    assert (group.functional_id, group.control, st.code, st.problem) == ("PO", "42", "850", None)
    assert [s[0] for s in st.segments] == ["BEG", "PO1", "CTT"]


def test_a_wrong_segment_count_marks_the_set_not_the_interchange() -> None:
    text = interchange().replace("SE*5*0001", "SE*7*0001")
    [st] = parse(text).groups[0].sets
    assert st.problem == "SE01 says 7 segments, the set has 5"


def test_mismatched_control_numbers_are_named() -> None:
    with pytest.raises(X12Error, match="IEA02 000000001 does not match ISA13 000000042"):
        parse(interchange().replace("IEA*1*000000042", "IEA*1*000000001"))
    group = parse(interchange().replace("GE*1*42", "GE*1*43")).groups[0]
    assert group.problem == "GE02 43 does not match GS06 42"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ISA*short", "106-character ISA"),
        (interchange().replace("IEA*1*000000042~\n", ""), "no IEA trailer"),
        (interchange().replace("GE*1*42~\n", ""), "no GE trailer"),
    ],
)
def test_an_unreadable_interchange_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(X12Error, match=reason):
        parse(text)


def test_the_997_accepts_rejects_or_partly_accepts_a_group() -> None:
    writer = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202611281200")
    for _ in range(2):
        writer.add("850", [["BEG", "00", "SA", "X"]])
    group = parse(writer.text()).groups[0]
    partly = acknowledgement(group, {"0001": None, "0002": Fault("bad")})
    assert ["AK9", "P", "2", "2", "1"] in partly and ["AK5", "R", "5"] in partly
    assert ["AK9", "A", "2", "2", "2"] in acknowledgement(group, {"0001": None, "0002": None})


def test_an_interchange_with_a_nul_character_is_refused_whole() -> None:
    from shared.x12.envelope import X12Error, parse

    with pytest.raises(X12Error, match="NUL"):
        parse("ISA*00*" + " " * 100 + "\x00~IEA*1*000000001~")


async def test_an_850_ship_to_loop_dates_and_terms_come_through() -> None:
    from services.storefront_gateway.channels import ChannelConfig, Platform
    from services.storefront_gateway.edi.documents import purchase_order
    from shared.x12.envelope import Writer
    from tests.support.keys import TEST_ORDER_ID_KEY

    # An 850's buyer and ship-to loops (X12 4010: N1 name and id, N3 street, N4 place).
    body = [
        ["BEG", "00", "SA", "PO-9", "", "20261201"],
        ["N1", "BY", "Retailer One Inc", "92", "0001"],
        ["N1", "ST", "Store 12", "92", "0012"],
        ["N3", "1 Main St"],
        ["N4", "Springfield", "IL", "62701", "US"],
        ["ITD", "01", "3", "2", "", "10", "", "30"],
        ["DTM", "010", "20261205"],
        ["DTM", "002", "20261210"],
        ["PO1", "1", "2", "EA", "3.50", "", "VP", "A"],
        ["CTT", "1"],
    ]
    writer = Writer("RETAILER01", "CROSSDOCK", 7, "PO", "202612010900")
    writer.add("850", body)
    [st] = parse(writer.text()).groups[0].sets
    channel = ChannelConfig(
        id="edi", platform=Platform.EDI, shop="RETAILER01", secret_env="X"
    ).keyed(TEST_ORDER_ID_KEY)

    async def no_tables(system: str, value: str) -> str | None:
        return None

    event = (await purchase_order(st, channel, no_tables)).event
    assert event.ship_to is not None
    assert event.ship_to.model_dump() == {
        "name": "Store 12",
        "company": None,
        "reference": "0012",
        "lines": ("1 Main St",),
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "country": "US",
        "phone": None,
        "email": None,
    }
    assert event.ship_to_country == "US"
    assert (event.requested_ship_date, event.requested_delivery_date) == (
        date(2026, 12, 5),
        date(2026, 12, 10),
    )
    assert event.payment_terms == "2% 10 days, Net 30"
