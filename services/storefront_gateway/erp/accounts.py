"""New storefront accounts go to the ERP/CRM.

Shopify's `customers/create` webhook is stored (once per customer, whatever the
retries) in the same request that acknowledges it; the exporter then creates the account
in the ERP with an idempotency key, so a retry after a lost answer creates nothing twice.
The ERP's account number is kept; failures are retried with backoff, never dropped.
"""

from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict

from services.storefront_gateway.connectors.erp import ErpClient
from services.storefront_gateway.connectors.errors import Refused, Unavailable
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ShopifyAddress(_Payload):
    company: str | None = None


class ShopifyCustomer(_Payload):
    id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    currency: str | None = None
    default_address: ShopifyAddress | None = None

    def account(self, channel: str) -> dict[str, Any]:
        name = " ".join(p for p in (self.first_name, self.last_name) if p) or (self.email or "")
        return {
            "email": self.email,
            "name": name,
            "company": self.default_address.company if self.default_address else None,
            "currency": self.currency or "USD",
            "source": f"{channel}:{self.id}",
        }


async def remember(conn: Any, channel: str, customer: ShopifyCustomer) -> bool:
    """True when this account is new to us (a retried webhook changes nothing)."""
    status = await conn.execute(
        "INSERT INTO account_exports (channel, channel_ref, account) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        channel,
        str(customer.id),
        customer.account(channel),
    )
    return bool(status.endswith(" 1"))


class AccountExporter(DrainLoop):
    def __init__(self, pool: Any, dsn: str, schema: str, erp: ErpClient) -> None:
        super().__init__(dsn, f"{schema}_account_exports", poll_seconds=2.0)
        self._pool = pool
        self._erp = erp

    async def drain(self) -> int:
        async with self._pool.acquire() as conn:
            due = await conn.fetch(
                "SELECT channel, channel_ref, account, attempts FROM account_exports"
                " WHERE erp_number IS NULL AND next_attempt_at <= now()"
                " ORDER BY next_attempt_at LIMIT 20"
            )
            for row in due:
                await self._export(conn, dict(row))
        return len(due)

    async def _export(self, conn: Any, row: dict[str, Any]) -> None:
        key = f"{row['channel']}:{row['channel_ref']}"
        try:
            created = await self._erp.create_customer(row["account"], key)
        except (Refused, Unavailable) as exc:
            delay = backoff(row["attempts"] + (4 if isinstance(exc, Refused) else 0), 0.5)
            log.warning("account not yet in the ERP", account=key, error=str(exc))
            await conn.execute(
                "UPDATE account_exports SET attempts = attempts + 1, last_error = $3,"
                " next_attempt_at = now() + make_interval(secs => $4)"
                " WHERE channel = $1 AND channel_ref = $2",
                row["channel"],
                row["channel_ref"],
                str(exc),
                delay,
            )
            return
        await conn.execute(
            "UPDATE account_exports SET erp_number = $3, last_error = NULL"
            " WHERE channel = $1 AND channel_ref = $2",
            row["channel"],
            row["channel_ref"],
            str(created.get("number")),
        )
