"""Reconciliation: read what each channel shows, compare it with the ledger, heal it.

Confirm, don't assume: a push that succeeded may since have been overwritten by the
channel itself (its own sales, a merchant's edit). Each difference is reported with
the SKU, the channel, the expected and actual quantities and since when it has been
seen; healing makes the truth due for the pusher again. A dry run (before a channel goes
live) changes nothing, on the channel or here.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from services.storefront_gateway.channels import StockTarget
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.stock import StockAdapter
from services.storefront_gateway.sync import repository
from services.storefront_gateway.sync.domain import available_to_sell
from services.storefront_gateway.sync.levels_repository import learn_items

Kind = Literal["mismatch", "unknown_sku", "not_listed"]


@dataclass(frozen=True)
class Difference:
    sku: str
    kind: Kind
    expected: int | None
    actual: int | None
    since: datetime | None = None


@dataclass
class Report:
    channel: str
    dry_run: bool
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    skus_checked: int = 0
    differences: list[Difference] = field(default_factory=list)
    healed: int = 0
    pending: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def reconcile(
    target: StockTarget, adapter: StockAdapter, budget: RateBudget, pool: Any, dry_run: bool
) -> Report:
    channel, stock = target.channel, target.stock
    catalog = await adapter.catalog(budget)
    actual = {sku: listed.quantity for sku, listed in catalog.items()}
    async with pool.acquire() as conn:
        ledger = await repository.ledger_view(conn, stock.locations)
        pending = await repository.pending_skus(conn, channel.id)
    report = Report(channel.id, dry_run, skus_checked=len(set(ledger) | set(actual)))
    report.pending = len(pending & set(actual))
    for sku in sorted(set(actual) - set(ledger)):
        report.differences.append(Difference(sku, "unknown_sku", None, actual[sku]))
    for sku, (free, _) in sorted(ledger.items()):
        expected = available_to_sell(free, stock.buffer_for(sku))
        if sku not in actual:
            report.differences.append(Difference(sku, "not_listed", expected, None))
        elif actual[sku] != expected and sku not in pending:
            report.differences.append(Difference(sku, "mismatch", expected, actual[sku]))
    if dry_run:
        return report
    async with pool.acquire() as conn, conn.transaction():
        await learn_items(conn, channel.id, catalog)
        mismatches = [d for d in report.differences if d.kind == "mismatch"]
        seen = await repository.note_drift(
            conn, channel.id, [(d.sku, d.expected, d.actual) for d in mismatches]
        )
        for d in mismatches:
            assert d.expected is not None and d.actual is not None
            await repository.force_push(
                conn, channel.id, d.sku, d.expected, ledger[d.sku][1], d.actual
            )
        report.healed = len(mismatches)
    report.differences = [
        Difference(d.sku, d.kind, d.expected, d.actual, seen.get(d.sku)) for d in report.differences
    ]
    return report


def as_table(reports: list[Report]) -> str:
    """The readable form: one line per difference."""
    lines = [f"{'CHANNEL':<20} {'SKU':<24} {'KIND':<12} {'EXPECTED':>8} {'ACTUAL':>8}  SINCE"]
    for report in reports:
        for d in report.differences:
            since = d.since.isoformat(timespec="seconds") if d.since else "-"
            expected = "-" if d.expected is None else str(d.expected)
            actual = "-" if d.actual is None else str(d.actual)
            lines.append(
                f"{report.channel:<20} {d.sku:<24} {d.kind:<12} {expected:>8} {actual:>8}  {since}"
            )
        mode = "dry run" if report.dry_run else f"healed {report.healed}"
        lines.append(
            f"# {report.channel}: {report.skus_checked} SKUs checked,"
            f" {len(report.differences)} differences, {report.pending} on their way, {mode}"
        )
    return "\n".join(lines)
