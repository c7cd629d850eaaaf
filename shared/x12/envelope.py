"""X12 interchanges, read and written, table-driven and small.

The ISA segment is fixed-width: its 4th character is the element separator, its 105th
the component separator, the character after it the segment terminator. Envelopes nest
ISA > GS > ST; every trailer is checked against its header: IEA01 groups and IEA02 =
ISA13, GE01 transaction sets and GE02 = GS06, SE01 segments (ST to SE) and SE02 = ST02.
A problem with the interchange rejects it whole; a problem with one transaction set
rejects that set (its 997 says which, and why).
"""

from dataclasses import dataclass, field

from shared.x12.codes import (
    ELEMENT_MANDATORY_MISSING as MISSING,
)
from shared.x12.codes import (
    GROUP_CONTROL_MISMATCH,
    GROUP_COUNT_MISMATCH,
    SET_CONTROL_MISMATCH,
    SET_COUNT_MISMATCH,
    Fault,
)

Segment = list[str]


class X12Error(ValueError):
    """The interchange cannot be read: the whole of it is rejected."""


@dataclass
class TransactionSet:
    code: str  # ST01, e.g. "850"
    control: str  # ST02
    segments: list[Segment]  # between ST and SE
    problem: str | None = None
    fault: Fault | None = None  # the problem in the 997's codes


@dataclass
class Group:
    functional_id: str  # GS01, e.g. "PO"
    sender: str
    receiver: str
    control: str  # GS06
    version: str  # GS08
    sets: list[TransactionSet] = field(default_factory=list)
    problem: str | None = None
    problem_code: str | None = None  # AK905


@dataclass
class Interchange:
    sender: str  # ISA06 (trimmed)
    receiver: str  # ISA08
    control: str  # ISA13
    test: bool  # ISA15 == "T"
    groups: list[Group] = field(default_factory=list)


def parse(text: str) -> Interchange:
    """The interchange's envelope, groups and sets; raises X12Error naming what is wrong
    with the envelope (a set's own problems are kept on the set)."""
    segments, isa, iea = _envelope(text)
    interchange = Interchange(isa[6].strip(), isa[8].strip(), isa[13], isa[15] == "T")
    _sort_into_groups(interchange, segments[1:-1])
    if not iea[1].isdigit() or int(iea[1]) != len(interchange.groups):
        raise X12Error(f"IEA01 says {iea[1]} groups, the interchange has {len(interchange.groups)}")
    return interchange


def _envelope(text: str) -> tuple[list[Segment], Segment, Segment]:
    """The segments, split by the delimiters the ISA itself declares, and the ISA and
    IEA checked against each other."""
    text = text.lstrip("\ufeff").strip()
    if "\x00" in text:
        raise X12Error("the interchange holds a NUL character, which cannot be stored")
    if len(text) < 106 or not text.startswith("ISA"):
        raise X12Error("not an X12 interchange: it must start with a 106-character ISA segment")
    element, terminator = text[3], text[105]
    segments = [s.strip().split(element) for s in text.split(terminator) if s.strip()]
    isa = segments[0]
    if len(isa) != 17:
        raise X12Error(f"ISA has {len(isa)} elements, not 17")
    if segments[-1][0] != "IEA":
        raise X12Error("no IEA trailer: the interchange is incomplete")
    iea = segments[-1]
    _expect(iea, 3, "IEA")
    if iea[2] != isa[13]:
        raise X12Error(f"IEA02 {iea[2]} does not match ISA13 {isa[13]}")
    return segments, isa, iea


def _sort_into_groups(interchange: Interchange, segments: list[Segment]) -> None:
    group: Group | None = None
    current: TransactionSet | None = None
    for segment in segments:
        tag = segment[0]
        if tag == "GS":
            _expect(segment, 9, "GS")
            group = Group(segment[1], segment[2], segment[3], segment[6], segment[8])
            interchange.groups.append(group)
        elif tag == "GE":
            if group is None:
                raise X12Error("GE without GS")
            _close_group(group, segment)
            group = None
        elif tag == "ST":
            if group is None:
                raise X12Error("ST outside a functional group")
            current = TransactionSet(
                segment[1] if len(segment) > 1 else "", segment[2] if len(segment) > 2 else "", []
            )
            group.sets.append(current)
        elif tag == "SE":
            if current is None:
                raise X12Error("SE without ST")
            _close_set(current, segment)
            current = None
        elif current is not None:
            current.segments.append(segment)
        else:
            raise X12Error(f"segment {tag} outside a transaction set")
    if group is not None:
        raise X12Error(f"group {group.control} has no GE trailer")


def _expect(segment: Segment, elements: int, tag: str) -> None:
    if len(segment) < elements:
        raise X12Error(f"{tag} has {len(segment) - 1} elements, needs {elements - 1}")


def _close_set(current: TransactionSet, se: Segment) -> None:
    counted = len(current.segments) + 2  # ST and SE count
    fault = None
    if len(se) < 3:
        reason = "SE has too few elements"
        at = counted
        fault = Fault(reason, segment="SE", position=at, element=len(se), element_code=MISSING)
    elif se[2] != current.control:
        reason = f"SE02 {se[2]} does not match ST02 {current.control}"
        fault = Fault(reason, set_code=SET_CONTROL_MISMATCH)
    elif not se[1].isdigit() or int(se[1]) != counted:
        reason = f"SE01 says {se[1]} segments, the set has {counted}"
        fault = Fault(reason, set_code=SET_COUNT_MISMATCH)
    if fault is not None:
        current.problem, current.fault = fault.reason, fault


def _close_group(group: Group, ge: Segment) -> None:
    if len(ge) < 3 or ge[2] != group.control:
        group.problem = f"GE02 {ge[2] if len(ge) > 2 else '?'} does not match GS06 {group.control}"
        group.problem_code = GROUP_CONTROL_MISMATCH
    elif not ge[1].isdigit() or int(ge[1]) != len(group.sets):
        group.problem = f"GE01 says {ge[1]} transaction sets, the group has {len(group.sets)}"
        group.problem_code = GROUP_COUNT_MISMATCH


@dataclass
class Writer:
    """Builds one interchange of one group; control numbers are the caller's."""

    sender: str
    receiver: str
    control: int
    functional_id: str
    when: str  # YYYYMMDDHHMM
    test: bool = False
    sets: list[list[Segment]] = field(default_factory=list)

    def add(self, code: str, body: list[Segment]) -> None:
        number = f"{len(self.sets) + 1:04d}"
        self.sets.append([["ST", code, number], *body, ["SE", str(len(body) + 2), number]])

    def text(self) -> str:
        date, time = self.when[2:8], self.when[8:12]
        isa = [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            self.sender.ljust(15),
            "ZZ",
            self.receiver.ljust(15),
            date,
            time,
            "U",
            "00401",
            f"{self.control:09d}",
            "0",
            "T" if self.test else "P",
            ">",
        ]
        segments = [
            isa,
            [
                "GS",
                self.functional_id,
                self.sender,
                self.receiver,
                self.when[:8],
                time,
                str(self.control),
                "X",
                "004010",
            ],
            *(segment for s in self.sets for segment in s),
            ["GE", str(len(self.sets)), str(self.control)],
            ["IEA", "1", f"{self.control:09d}"],
        ]
        return "~\n".join("*".join(s) for s in segments) + "~\n"


def rejection(raw: str, our_id: str, reason: str, when: str) -> str | None:
    """A TA1 refusing an interchange that cannot be read (from its ISA, if that much is
    readable): the interchange-level acknowledgement X12 has for a broken envelope."""
    raw = raw.lstrip("\ufeff").strip()
    if len(raw) < 106 or not raw.startswith("ISA"):
        return None
    isa = raw[:106].split(raw[3])
    if len(isa) < 17:
        return None
    sender, control = isa[6].strip(), isa[13]
    code = "001" if "IEA02" in reason else "021" if "IEA01" in reason else "023"
    ours = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        our_id.ljust(15),
        "ZZ",
        sender.ljust(15),
        when[2:8],
        when[8:12],
        "U",
        "00401",
        control,
        "0",
        isa[15],
        ">",
    ]
    segments = [ours, ["TA1", control, when[2:8], when[8:12], "R", code], ["IEA", "0", control]]
    return "~\n".join("*".join(s) for s in segments) + "~\n"
