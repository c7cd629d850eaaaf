"""Drains owed exports to the accounting systems: retried with backoff while a system is
down, parked as rejected with its reason when it refuses, never lost."""

from typing import Any

import structlog

from services.accounting_poster import repository
from services.accounting_poster.chart import ExportTarget
from services.accounting_poster.export_client import AccountingClient
from services.accounting_poster.export_errors import ExportRejected, ExportUnavailable
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
        async with self._pool.acquire() as conn:
            due = await repository.claim_exports(conn, BATCH, lease_seconds=60)
        for owed in due:
            await self._export(dict(owed))
        return len(due)

    async def _export(self, owed: dict[str, Any]) -> None:
        entry_id, target_id = owed["entry_id"], owed["target"]
        async with self._pool.acquire() as conn:
            target = self._targets.get(target_id)
            if target is None:
                await repository.finish_export(
                    conn, entry_id, target_id, "rejected", error="target no longer configured"
                )
                return
            entry = await repository.entry(conn, entry_id)
            try:
                external_id = await self._client.export(target, entry)
            except ExportRejected as exc:
                log.error("export rejected; parked", target=target_id, error=str(exc))
                await repository.finish_export(
                    conn, entry_id, target_id, "rejected", error=str(exc)
                )
            except ExportUnavailable as exc:
                delay = backoff(owed["attempts"], 0.5)
                await repository.retry_export_later(conn, entry_id, target_id, str(exc), delay)
            else:
                await repository.finish_export(conn, entry_id, target_id, "exported", external_id)
