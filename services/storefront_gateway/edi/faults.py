"""An 850 segment that cannot become an order, pointed at in the 997's terms
(shared.x12.codes)."""

from services.storefront_gateway.domain import MappingError
from shared.x12.codes import SEGMENT_MANDATORY_MISSING, Fault


class SegmentFault(MappingError):
    """An 850 that cannot become an order because of one segment (or its absence)."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.reason)
        self.fault = fault


def element_fault(
    reason: str, segment: str, index: int, element: int, code: str, value: str = ""
) -> SegmentFault:
    """A bad element of the segment at `index` among the set's segments (after ST)."""
    return SegmentFault(
        Fault(
            reason,
            segment=segment,
            position=index + 2,
            element=element,
            element_code=code,
            bad_value=value or None,
        )
    )


def missing_segment(reason: str, segment: str, set_length: int) -> SegmentFault:
    """A mandatory segment absent: pointed at where the set ends (its SE)."""
    return SegmentFault(
        Fault(
            reason, segment=segment, position=set_length + 2, segment_code=SEGMENT_MANDATORY_MISSING
        )
    )
