"""Thin webhooks — a hook that names an order and nothing more (BigCommerce's) — are
acknowledged at once and fetched after: the hook is authenticated, deduplicated and
stored (`thin_webhooks`) before its 2xx, so the platform's short delivery timeout
never waits on the store's API and its retries cost the store nothing; the fetcher
then reads the documents the mapping names from the channel's configured API, maps
them and accepts the order like any delivery (published once, or quarantined with the
reason). While the store cannot show the order (404 just after the hook, an outage),
the hook waits and is tried again with backoff — held, with its last error, in
`GET /webhooks/waiting`; nothing taken is dropped.
"""

import json
import re
from typing import Any

import jmespath
import structlog
from fastapi import HTTPException

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.documents import fetch_documents
from services.storefront_gateway.connectors.errors import ConnectorError
from services.storefront_gateway.intake import handlers, thin_repository
from services.storefront_gateway.intake.deps import IntakeParts
from services.storefront_gateway.intake.webhooks import WebhookReceipt, accept_delivery
from services.storefront_gateway.mapping.spec import FetchSpec
from shared.deps import UowFactory
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)
IDENTIFIER = re.compile(r"[A-Za-z0-9_:-]{1,64}")
BATCH = 20
LEASE_SECONDS = 60.0
POLL_SECONDS = 5.0
BASE_BACKOFF_SECONDS = 1.0


def documents_named(fetch: FetchSpec, payload: Any) -> dict[str, str]:
    """The paths to fetch, from the hook's own parameters — refused (422) before anything
    is taken when they are not plain identifiers (no "/", "..", "?" or "#": nothing the
    payload says can point the fetch at another resource)."""
    params = {name: jmespath.search(path, payload) for name, path in fetch.params.items()}
    if any(value is None or not IDENTIFIER.fullmatch(str(value)) for value in params.values()):
        raise HTTPException(422, f"the webhook does not name what to fetch: {params}")
    return {name: template.format(**params) for name, template in fetch.documents.items()}


async def hold(
    units: UowFactory, channel: ChannelConfig, key: str, kind: str, headers: dict[str, str],
    body: bytes,
) -> WebhookReceipt:  # fmt: skip
    async with units() as uow:
        new = await thin_repository.hold(uow.connection, channel.id, key, kind, headers, body)
        await uow.commit()
    if not new:
        return WebhookReceipt(status="duplicate", reason="taken already; its order is fetched")
    return WebhookReceipt(status="accepted", reason="taken; the order is fetched from the store")


class ThinFetcher(DrainLoop):
    """Fetches held hooks' documents, maps and accepts them; one batch at a time."""

    def __init__(self, parts: IntakeParts, units: UowFactory, dsn: str, schema: str) -> None:
        super().__init__(dsn, f"{schema}_thin_webhooks", poll_seconds=POLL_SECONDS)
        self._parts, self._units = parts, units
        self._idle = POLL_SECONDS

    def idle_seconds(self) -> float:
        return self._idle

    async def drain(self) -> int:
        async with self._units() as uow:
            rows = await thin_repository.claim_due(uow.connection, BATCH, LEASE_SECONDS)
            await uow.commit()
        for row in rows:
            await self._take(row)
        async with self._units() as uow:
            due = await thin_repository.seconds_until_due(uow.connection)
        self._idle = POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.05, due))
        return len(rows)

    def batch_was_full(self, handled: int) -> bool:
        return handled >= BATCH

    async def _take(self, row: dict[str, Any]) -> None:
        parts = self._parts
        channel = parts.channels.by_id(row["channel"])
        mapper = parts.mappers.get(row["channel"])
        if channel is None or mapper is None or mapper.spec.fetch is None:
            await self._later(row, "the channel or its mapping is no longer configured")
            return
        payload = json.loads(bytes(row["body"]))
        try:
            document = await _fetched(parts, channel, mapper.spec.fetch, payload)
        except (ConnectorError, HTTPException) as exc:
            await self._later(row, str(getattr(exc, "detail", exc)))
            return
        mapped = await mapper.attempt(document, channel)
        headers = json.loads(row["headers"]) if isinstance(row["headers"], str) else row["headers"]
        delivery = handlers.Delivery(
            channel.id,
            "json",
            row["dedupe_key"],
            row["kind"],
            headers,
            json.dumps(document).encode(),
        )
        await accept_delivery(delivery, mapped, self._units(), parts.metrics, parts.group_commit)
        async with self._units() as uow:
            await thin_repository.done(uow.connection, row["id"])
            await uow.commit()

    async def _later(self, row: dict[str, Any], error: str) -> None:
        delay = backoff(row["attempts"], BASE_BACKOFF_SECONDS)
        log.info("thin webhook not fetched yet", channel=row["channel"], error=error, delay=delay)
        async with self._units() as uow:
            await thin_repository.later(uow.connection, row["id"], error, delay)
            await uow.commit()


async def _fetched(
    parts: IntakeParts, channel: ChannelConfig, fetch: FetchSpec, payload: Any
) -> dict[str, Any]:
    """The hook and the documents it names, from the channel's configured API only."""
    if channel.api_url is None:
        raise HTTPException(422, f"channel {channel.id} has no api_url to fetch from")
    paths = documents_named(fetch, payload)
    auth = (fetch.token_header, parts.channels.api_token(channel))
    found = await fetch_documents(parts.http(), channel, auth, paths)
    return {"webhook": payload, **found}
