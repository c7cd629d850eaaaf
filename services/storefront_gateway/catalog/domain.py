"""Pure price rules: which price book entry is in force at a given time."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PriceEntry:
    price_id: str
    currency: str
    amount_minor: int
    compare_at_minor: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    revision: int

    @property
    def scheduled(self) -> bool:
        return self.starts_at is not None or self.ends_at is not None

    def in_force(self, at: datetime) -> bool:
        started = self.starts_at is None or self.starts_at <= at
        not_ended = self.ends_at is None or at < self.ends_at
        return started and not_ended


def price_at(entries: list[PriceEntry], currency: str, at: datetime) -> PriceEntry | None:
    """A scheduled window in force wins over the standing price (the latest-starting
    window over another); otherwise the newest standing price. None: no price."""
    mine = [e for e in entries if e.currency == currency and e.in_force(at)]
    windows = [e for e in mine if e.scheduled]
    if windows:
        return max(windows, key=lambda e: (e.starts_at or at, e.revision))
    standing = [e for e in mine if not e.scheduled]
    return max(standing, key=lambda e: e.revision) if standing else None


def payload(entry: PriceEntry) -> dict[str, int | str | None]:
    return {
        "currency": entry.currency,
        "amount_minor": entry.amount_minor,
        "compare_at_minor": entry.compare_at_minor,
    }
