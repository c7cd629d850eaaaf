"""What the console makes of the hub's answers, with no I/O: an order's journey, money
for people, drift per channel, and every problem in one list with the action that
settles it."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# The path an order takes when all goes well; the journey strip shows how far it got.
JOURNEY = ("placed", "reserved", "sent_to_fulfilment", "shipped", "delivered")
# Where an order can end up off that path.
DETOURS = frozenset(
    {
        "cancelled",
        "cancelling",
        "rejected",
        "returned",
        "fulfilment_failed",
        "backordered",
        "awaiting_payment",
        "held_for_approval",
        "partially_shipped",
    }
)


@dataclass(frozen=True)
class Step:
    status: str
    reached_at: str | None  # ISO time of the timeline entry that reached it
    current: bool

    @property
    def label(self) -> str:
        return self.status.replace("_", " ")


def journey(status: str, timeline: list[dict[str, Any]], placed_at: str | None) -> list[Step]:
    """Each step of the path with when the order reached it, from its timeline."""
    reached: dict[str, str] = {"placed": placed_at} if placed_at else {}
    for entry in timeline:
        moved_to = entry.get("detail", {}).get("status")
        if isinstance(moved_to, str):
            reached.setdefault(moved_to, str(entry.get("occurred_at")))
    return [Step(s, reached.get(s), s == status) for s in JOURNEY]


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def money(minor: int | None, currency: str | None) -> str:
    """12345, EUR → 'EUR 123.45' (two decimals: every currency the hub books today)."""
    if minor is None:
        return ""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(int(minor)), 100)
    return f"{currency or ''} {sign}{whole:,}.{cents:02d}".strip()


@dataclass(frozen=True)
class ChannelShows:
    channel: str
    should_show: int | None
    last_sent: int | None
    sent_at: str | None
    drift: str | None  # the channel disagrees with the ledger (reconciliation found it)
    note: str  # in step, owed, not listed
    last_error: str | None


def _drift(row: dict[str, Any]) -> str | None:
    if row.get("drift_actual") is None and row.get("drift_expected") is None:
        return None
    return (
        f"the channel shows {row.get('drift_actual')} where {row.get('drift_expected')} was"
        f" expected (since {_text(row.get('drift_first_seen'))},"
        f" last seen {_text(row.get('drift_last_seen'))})"
    )


def _note(row: dict[str, Any]) -> str:
    if row.get("listed") is False:
        return "not listed on the channel"
    if row.get("pending"):
        return f"{row.get('desired')} owed, not sent yet"
    return "in step"


def channel_view(row: dict[str, Any]) -> ChannelShows:
    return ChannelShows(
        row["channel"],
        row.get("desired"),
        row.get("pushed"),
        _text(row.get("pushed_at")),
        _drift(row),
        _note(row),
        row.get("last_error"),
    )


def _text(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def when(value: Any) -> str:
    """An ISO time as people read it, to the second, in UTC: 2026-12-03 12:09:33 UTC."""
    if value in (None, ""):
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
