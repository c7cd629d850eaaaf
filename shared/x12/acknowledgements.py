"""997 functional acknowledgements, written for a group received and read from one a
partner sent back (X12 004010)."""

from shared.x12.codes import Fault
from shared.x12.envelope import Group, Segment, TransactionSet


def acknowledgement(group: Group, verdicts: dict[str, Fault | None]) -> list[Segment]:
    """The 997 body for one received group: AK2 per set, then AK5 A — or the AK3/AK4
    pointing at its fault and AK5 R with the fault's code (see faults); AK9 for the
    group (A, P partly, R, with AK905 for a fault of the group's own envelope)."""
    body: list[Segment] = [["AK1", group.functional_id, group.control]]
    accepted = 0
    for st in group.sets:
        fault = verdicts.get(st.control)
        body.append(["AK2", st.code, st.control])
        if fault is None:
            body.append(["AK5", "A"])
            accepted += 1
        else:
            body += [*fault.segments(), ["AK5", "R", fault.set_code]]
    received = len(group.sets)
    status = "R" if group.problem or accepted == 0 else ("A" if accepted == received else "P")
    ak9 = ["AK9", status, str(received), str(received), str(accepted)]
    body.append(ak9 + ([group.problem_code] if group.problem_code else []))
    return body


def acknowledged(st: TransactionSet) -> tuple[str, str, str]:
    """From a 997 we received: (our group control number, status, set statuses)."""
    ak1 = next((s for s in st.segments if s[0] == "AK1"), ["AK1", "", ""])
    ak9 = next((s for s in st.segments if s[0] == "AK9"), ["AK9", "R"])
    sets = ",".join((s[1] if len(s) > 1 else "") for s in st.segments if s[0] == "AK5")
    return (ak1[2] if len(ak1) > 2 else ""), (ak9[1] if len(ak9) > 1 else "R"), sets
