"""The envelope every event carries, and the base class of all events."""

from datetime import UTC, datetime
from typing import Any, Self
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Base of every event: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID = Field(default_factory=uuid4, description="Unique id of this event.")
    event_type: str = Field(description="Name of the event type, e.g. OrderPlaced.")
    schema_version: int = Field(1, description="Version of this event type's schema.")
    occurred_at: AwareDatetime = Field(
        default_factory=utcnow, description="When it happened (UTC)."
    )
    correlation_id: UUID = Field(description="Id shared by every event of one business flow.")
    causation_id: UUID | None = Field(None, description="Id of the event that caused this one.")

    @classmethod
    def caused_by(cls, cause: "Event", **fields: Any) -> Self:
        """A follow-up event in the same flow: same correlation, caused by `cause`."""
        return cls(correlation_id=cause.correlation_id, causation_id=cause.event_id, **fields)
