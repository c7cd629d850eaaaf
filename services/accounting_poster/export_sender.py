"""Drains owed exports to the accounting systems: retried with backoff while a system is
down, parked as rejected with its reason when it refuses, never lost."""

import asyncio
from typing import Any
from uuid import UUID

import structlog

from services.accounting_poster import export_repository as repository
from services.accounting_poster.chart import ExportTarget
from services.accounting_poster.export_client import AccountingClient
from services.accounting_poster.export_errors import ExportRejected, ExportUnavailable
from services.accounting_poster.export_repository import ExportOutcome
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)
BATCH = 20


class ExportSender(DrainLoop):
    def __init__(
        self, pool: Any, dsn: str, targets: tuple[ExportTarget, ...], client: AccountingClient
    ) -> None:
        super().__init__(dsn, "accounting_poster_exports", poll_seconds=1.0)
        self._pool = pool
        self._targets = {t.id: t for t in targets}
        self._client = client

    def batch_was_full(self, handled: int) -> bool:
        return handled >= BATCH

    async def drain(self) -> int:
        """A batch: claimed and read in three statements, sent together (each call is
        idempotent on its entry), the outcomes written in one transaction."""
        async with self._pool.acquire() as conn:
            due = await repository.claim_exports(conn, BATCH, lease_seconds=60)
            entries = await repository.entries(conn, [owed["entry_id"] for owed in due])
        outcomes = await asyncio.gather(*(self._export(owed, entries) for owed in due))
        async with self._pool.acquire() as conn, conn.transaction():
            await repository.record_export_outcomes(conn, outcomes)
        return len(due)

    async def _export(self, owed: Any, entries: dict[UUID, dict[str, Any]]) -> ExportOutcome:
        entry_id, target_id = owed["entry_id"], owed["target"]
        target = self._targets.get(target_id)
        if target is None:
            return ExportOutcome(
                entry_id, target_id, "rejected", error="target no longer configured"
            )
        try:
            external_id = await self._client.export(target, entries[entry_id])
        except ExportRejected as exc:
            log.error("export rejected; parked", target=target_id, error=str(exc))
            return ExportOutcome(entry_id, target_id, "rejected", error=str(exc))
        except ExportUnavailable as exc:
            delay = backoff(owed["attempts"], 0.5)
            return ExportOutcome(entry_id, target_id, "pending", error=str(exc), retry_in=delay)
        return ExportOutcome(entry_id, target_id, "exported", external_id=external_id)
