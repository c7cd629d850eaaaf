"""What was wrong with a transaction set, in the 997's own terms (X12 004010).

The 997 points at the fault: AK3 names the segment (AK301), its position in the set
counted from ST as 1 (AK302) and the segment syntax error code (AK304); AK4 the element
(AK401), its error code (AK403) and a copy of the bad value (AK404); AK5 says whether
the set is taken (AK501) and why not (AK502); AK9 the same for the group (AK901, AK905).
The codes are the standard's code lists, named here once.
"""

from dataclasses import dataclass

# AK502 / AK503..: transaction set syntax error codes.
SET_NOT_SUPPORTED = "1"
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"  # ST02 and SE02 differ
SET_COUNT_MISMATCH = "4"  # SE01 is not the number of segments
SET_SEGMENTS_IN_ERROR = "5"
# AK304: segment syntax error codes.
SEGMENT_UNRECOGNIZED = "1"
SEGMENT_UNEXPECTED = "2"
SEGMENT_MANDATORY_MISSING = "3"
SEGMENT_HAS_ELEMENT_ERRORS = "8"
# AK403: data element syntax error codes.
ELEMENT_MANDATORY_MISSING = "1"
ELEMENT_INVALID_CHARACTER = "6"
ELEMENT_INVALID_CODE = "7"
ELEMENT_INVALID_DATE = "8"
# AK905: functional group syntax error codes.
GROUP_CONTROL_MISMATCH = "4"  # GS06 and GE02 differ
GROUP_COUNT_MISMATCH = "5"  # GE01 is not the number of sets


@dataclass(frozen=True)
class Fault:
    """Why a set is rejected: the reason kept for people, the codes for the partner."""

    reason: str
    set_code: str = SET_SEGMENTS_IN_ERROR
    segment: str | None = None  # AK301
    position: int | None = None  # AK302: ST is 1
    segment_code: str = SEGMENT_HAS_ELEMENT_ERRORS  # AK304
    element: int | None = None  # AK401
    element_code: str | None = None  # AK403
    bad_value: str | None = None  # AK404

    def segments(self) -> list[list[str]]:
        """The AK3/AK4 that point at it (none for a fault of the set as a whole)."""
        if self.segment is None:
            return []
        found = [["AK3", self.segment, str(self.position or ""), "", self.segment_code]]
        if self.element is not None and self.element_code is not None:
            ak4 = ["AK4", str(self.element), "", self.element_code]
            found.append(ak4 + ([self.bad_value[:99]] if self.bad_value else []))
        return found
