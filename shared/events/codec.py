"""Events to and from Kafka records.

The value is the event's JSON; the envelope's identifying fields are repeated in
headers so that tooling (dead-letter inspection, replay) can read them without the
schema, and so consumers can pick the type before parsing.
"""

from typing import Any, TypeVar

from pydantic import TypeAdapter

from shared.events.envelope import Event

E = TypeVar("E", bound=Event)

CONTENT_TYPE = "application/json"
_OBJECT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


def encode(event: Event) -> bytes:
    return event.model_dump_json().encode()


def headers_of(event: Event) -> dict[str, str]:
    headers = {
        "content-type": CONTENT_TYPE,
        "event_type": event.event_type,
        "event_id": str(event.event_id),
        "correlation_id": str(event.correlation_id),
        "schema_version": str(event.schema_version),
    }
    if event.causation_id is not None:
        headers["causation_id"] = str(event.causation_id)
    return headers


def type_name(event_type: type[Event]) -> str:
    return str(event_type.model_fields["event_type"].default)


class Decoder:
    """Parses the JSON of any of `event_types`, picked by its `event_type` field.

    `skipping` names the other event types of a shared topic that this consumer has no
    business with: they decode to None and are acknowledged. Anything else unknown is an
    error (and so a dead letter), never silently dropped.
    """

    def __init__(self, *event_types: type[Event], skipping: tuple[type[Event], ...] = ()) -> None:
        self._adapters: dict[str, TypeAdapter[Any]] = {
            type_name(et): TypeAdapter(et) for et in event_types
        }
        self._skipped = {type_name(et) for et in skipping} - set(self._adapters)

    def decode(self, raw: bytes) -> Event | None:
        probe = _OBJECT.validate_json(raw)
        event_type = str(probe.get("event_type"))
        if event_type in self._skipped:
            return None
        adapter = self._adapters.get(event_type)
        if adapter is None:
            raise UnknownEventType(f"unexpected event_type {event_type!r}")
        event: Event = adapter.validate_python(probe)
        return event


class UnknownEventType(ValueError):
    """A record whose event_type this consumer does not handle."""
