"""The exports owed to accounting systems: claimed in batches under a lease, their
entries read for the lot, their outcomes written in one statement."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg


async def claim_exports(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[Any]:
    return list(
        await conn.fetch(
            "UPDATE exports SET next_attempt_at = now() + make_interval(secs => $2)"
            " WHERE (entry_id, target) IN (SELECT entry_id, target FROM exports"
            "   WHERE status = 'pending' AND next_attempt_at <= now()"
            "   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            " RETURNING entry_id, target, attempts",
            limit,
            lease_seconds,
        )
    )


async def entries(conn: asyncpg.Connection, entry_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """The entries with their lines in line order, in two statements for the lot."""
    found = {
        r["entry_id"]: {**dict(r), "lines": []}
        for r in await conn.fetch(
            "SELECT entry_id, kind, currency, memo, posted_at, doc_number FROM journal_entries"
            " WHERE entry_id = ANY($1::uuid[])",
            entry_ids,
        )
    }
    for line in await conn.fetch(
        "SELECT entry_id, line_no, account, debit_minor, credit_minor, description"
        " FROM journal_lines WHERE entry_id = ANY($1::uuid[]) ORDER BY entry_id, line_no",
        entry_ids,
    ):
        found[line["entry_id"]]["lines"].append(_line(line))
    return found


def _line(line: Any) -> dict[str, Any]:
    return {
        k: line[k] for k in ("line_no", "account", "debit_minor", "credit_minor", "description")
    }


@dataclass(frozen=True)
class ExportOutcome:
    """What one export came to: exported, rejected (parked), or pending with a retry."""

    entry_id: UUID
    target: str
    status: str
    external_id: str | None = None
    error: str | None = None
    retry_in: float = 0.0


async def record_export_outcomes(conn: asyncpg.Connection, outcomes: list[ExportOutcome]) -> None:
    """All of a batch's outcomes in one statement (a retry keeps the row pending and
    moves its next attempt; a finished one keeps its next attempt as it was)."""
    if not outcomes:
        return
    await conn.execute(
        "UPDATE exports x SET status = o.status, external_id = CASE WHEN o.status = 'pending'"
        "   THEN x.external_id ELSE o.external_id END, last_error = o.error,"
        " attempts = x.attempts + 1, updated_at = now(),"
        " next_attempt_at = CASE WHEN o.status = 'pending'"
        "   THEN now() + make_interval(secs => o.retry_in) ELSE x.next_attempt_at END"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[])"
        "   AS o (entry_id, target, status, external_id, error, retry_in)"
        " WHERE x.entry_id = o.entry_id AND x.target = o.target",
        *(list(column) for column in zip(*(_row(o) for o in outcomes), strict=True)),
    )


def _row(o: ExportOutcome) -> tuple[Any, ...]:
    return (o.entry_id, o.target, o.status, o.external_id, o.error, o.retry_in)


async def reopen_rejected(conn: asyncpg.Connection, target: str | None) -> int:
    """After a fix in the accounting system: rejected exports go out again."""
    result = await conn.execute(
        "UPDATE exports SET status = 'pending', next_attempt_at = now(), updated_at = now()"
        " WHERE status = 'rejected' AND ($1::text IS NULL OR target = $1)",
        target,
    )
    return int(result.split()[-1])
