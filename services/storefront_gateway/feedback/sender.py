"""Drains queued channel updates to the channels' APIs: at least once, with backoff on
failure; an update a channel refuses is kept as failed with the reason, never dropped."""

from typing import Any

import structlog

from services.storefront_gateway.channels import ChannelConfig, Channels
from services.storefront_gateway.connectors.channel_api import ChannelApi
from services.storefront_gateway.connectors.errors import Refused, Unavailable
from services.storefront_gateway.connectors.smtp import Mailer
from services.storefront_gateway.feedback import notices, repository
from shared.drain import DrainLoop, backoff

log = structlog.get_logger(__name__)
BATCH = 20
# Long enough for one update's calls (two at most, each timing out after 10 s), and
# renewed before each update of a batch: a killed sender's claims come free this soon.
LEASE_SECONDS = 30.0


class FeedbackSender(DrainLoop):
    def __init__(
        self,
        pool: Any,
        dsn: str,
        channels: Channels,
        api: ChannelApi,
        base_backoff: float = 0.5,
        mailer: Mailer | None = None,
    ) -> None:
        super().__init__(dsn, "storefront_gateway_channel_updates", poll_seconds=1.0)
        self._pool = pool
        self._channels = channels
        self._api = api
        self._base_backoff = base_backoff
        self._mailer = mailer

    def batch_was_full(self, handled: int) -> bool:
        return handled >= BATCH

    async def drain(self) -> int:
        async with self._pool.acquire() as conn:
            due = await repository.claim_updates(conn, BATCH, lease_seconds=LEASE_SECONDS)
        for update in due:
            await self._send(dict(update))
        return len(due)

    async def _send(self, update: dict[str, Any]) -> None:
        channel = self._channels.by_id(update["channel"])
        async with self._pool.acquire() as conn:
            held = await repository.renew_update(
                conn, update["id"], update["next_attempt_at"], LEASE_SECONDS
            )
            if held is None:
                return  # waited in the batch past its lease: another sender has it now
            if channel is None:
                await repository.finish_update(conn, update["id"], "failed", "channel gone")
                return
            try:
                await self._deliver(channel, update)
            except Refused as exc:
                log.error("channel refused an update", error=str(exc), update=update["id"])
                await repository.finish_update(conn, update["id"], "failed", str(exc))
            except Unavailable as exc:
                delay = exc.retry_after or backoff(update["attempts"], self._base_backoff)
                await repository.retry_update(conn, update["id"], str(exc), delay)
            else:
                await repository.finish_update(conn, update["id"], "done")

    async def _deliver(self, channel: ChannelConfig, update: dict[str, Any]) -> None:
        if update["kind"].startswith("email:"):
            if self._mailer is None:
                raise Unavailable("no mail server is configured (CROSSDOCK_SMTP_HOST)", 60.0)
            await self._mailer.send(notices.letter(update["payload"], _message_id(update)))
            return
        # Claimed before: an earlier try may have reached the channel before its sender
        # died or timed out, so the channel is asked before sending again.
        maybe_sent = update["claims"] > 1
        payload = {**update["payload"], "update_id": update["id"], "maybe_sent": maybe_sent}
        await self._api.send(channel, self._channels.api_token(channel), update["kind"], payload)


def _message_id(update: dict[str, Any]) -> str:
    """One per queued notice: a resend after a lost answer is the same message."""
    return f"<notice-{update['id']}-{update['source_event_id']}@crossdock>"
