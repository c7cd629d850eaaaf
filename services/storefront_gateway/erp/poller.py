"""Reads what changed in the ERP and publishes it, exactly once per revision.

Each kind (products, prices, customers) keeps a cursor — the last ERP revision
published — in the same transaction as the events it published (through the outbox),
so a crash re-reads from the cursor and publishes nothing twice. One replica polls a
kind at a time (a transaction-scoped advisory lock). A record that cannot be mapped is
set aside with the reason (`GET /erp/rejected`) and the cursor moves on: one bad record
never stops the others.
"""

from collections.abc import Callable
from typing import Any

import structlog

from services.storefront_gateway.connectors.erp import ErpClient
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.erp import mapping
from shared.db import UnitOfWork
from shared.events.envelope import Event
from shared.periodic import Periodic

log = structlog.get_logger(__name__)

MAPPERS: dict[str, tuple[Callable[[dict[str, Any]], Event], str]] = {
    "products": (mapping.product, "sku"),
    "prices": (mapping.price, "sku"),
    "customers": (mapping.customer, "customer_id"),
}
BATCH = 200


class ErpPoller(Periodic):
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], client: ErpClient, every_seconds: float
    ) -> None:
        super().__init__("erp-poller")
        self._uow = uow_factory
        self._client = client
        self._every = every_seconds

    async def round(self) -> float:
        for kind in MAPPERS:
            try:
                while await self.poll(kind) >= BATCH:
                    continue  # a full batch: more are waiting
            except ConnectorError as exc:
                log.warning("ERP not reachable; will try again", kind=kind, error=str(exc))
        return self._every

    async def poll(self, kind: str) -> int:
        """Publish one batch of changed records of `kind`; returns how many were read."""
        build, key = MAPPERS[kind]
        async with self._uow() as uow:
            conn = uow.connection
            if not await conn.fetchval(
                "SELECT pg_try_advisory_xact_lock(hashtext($1))", f"erp:{kind}"
            ):
                return 0
            since = await conn.fetchval("SELECT since FROM erp_cursors WHERE kind = $1", kind) or 0
            items, next_since = await self._client.changes(kind, since, BATCH)
            for item in items:
                try:
                    event = build(item)
                except (mapping.ErpRecordError, KeyError, TypeError) as exc:
                    await conn.execute(
                        "INSERT INTO erp_rejected (kind, item, reason) VALUES ($1, $2, $3)",
                        kind,
                        item,
                        str(exc),
                    )
                    continue
                await uow.outbox.add(event, key=str(getattr(event, key)))
            await conn.execute(
                "INSERT INTO erp_cursors (kind, since) VALUES ($1, $2)"
                " ON CONFLICT (kind) DO UPDATE SET since = EXCLUDED.since",
                kind,
                next_since,
            )
            await uow.commit()
            return len(items)
