"""Access tokens for the accounting systems: a long-lived one from the environment, or
OAuth 2.0's short-lived ones — QuickBooks Online's (an hour) and Xero's (30 minutes) —
got with the refresh token from the token endpoint
(https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0,
https://developer.xero.com/documentation/guides/oauth2/auth-flow): `grant_type=
refresh_token`, the app's client id and secret as HTTP Basic. The refresh token an
answer returns may replace the one sent (Xero's are single-use), so it is stored, and
the row is locked while refreshing so two senders never spend one refresh token twice.
A refusal (`invalid_grant`: revoked, expired, already used) is `TokenRefused`: the
exports wait, parked with the reason, for an operator to reconnect.
"""

import base64
import os
import time
from typing import Any

import asyncpg
import httpx

from services.accounting_poster.chart import ExportTarget
from services.accounting_poster.export_errors import ExportRejected, ExportUnavailable

EARLY_SECONDS = 60.0  # an access token this close to expiry is refreshed first


class TokenRefused(ExportRejected):
    """The token endpoint refused the refresh token: someone must reconnect the app."""


class TokenKeeper:
    def __init__(self, pool: Any, http: httpx.AsyncClient, env: dict[str, str] | None = None):
        self._pool, self._http = pool, http
        self._env = dict(os.environ if env is None else env)
        # Each target's access token and when it expires (monotonic): asked of the
        # database once per token, not once per export (a locked row and three
        # statements each). The database stays the truth replicas share.
        self._held: dict[str, tuple[str, float]] = {}

    async def access_token(self, target: ExportTarget) -> str:
        if target.oauth is None:
            return self._env[target.token_env or ""]
        held = self._held.get(target.id)
        if held is not None and held[1] - time.monotonic() > EARLY_SECONDS:
            return held[0]
        async with self._pool.acquire() as conn, conn.transaction():
            row = await self._locked(conn, target)
            fresh = await conn.fetchrow(
                "SELECT access_token, extract(epoch FROM expires_at - now())::float8 AS left_s"
                " FROM export_tokens WHERE target = $1 AND access_token IS NOT NULL"
                " AND expires_at > now() + make_interval(secs => $2)",
                target.id,
                EARLY_SECONDS,
            )
            if fresh:
                return self._hold(target, fresh["access_token"], fresh["left_s"])
            return await self._refresh(conn, target, row["refresh_token"])

    def _hold(self, target: ExportTarget, token: str, seconds_left: float) -> str:
        self._held[target.id] = (token, time.monotonic() + seconds_left)
        return token

    async def expire(self, target: ExportTarget) -> None:
        """The system refused the access token: the next call refreshes first."""
        self._held.pop(target.id, None)
        async with self._pool.acquire() as conn:
            await conn.execute(
                "UPDATE export_tokens SET expires_at = now() WHERE target = $1", target.id
            )

    async def _locked(self, conn: asyncpg.Connection, target: ExportTarget) -> Any:
        assert target.oauth is not None
        first = self._env.get(target.oauth.refresh_token_env)
        if first:
            await conn.execute(
                "INSERT INTO export_tokens (target, refresh_token) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING",
                target.id,
                first,
            )
        row = await conn.fetchrow(
            "SELECT refresh_token FROM export_tokens WHERE target = $1 FOR UPDATE", target.id
        )
        if row is None:
            raise TokenRefused(
                f"{target.id}: no refresh token: set {target.oauth.refresh_token_env}"
            )
        return row

    async def _refresh(self, conn: asyncpg.Connection, target: ExportTarget, refresh: str) -> str:
        answer = await self._ask(target, refresh)
        seconds = float(answer.get("expires_in") or 1800)
        await conn.execute(
            "UPDATE export_tokens SET access_token = $2, refresh_token = $3, refreshed_at = now(),"
            " expires_at = now() + make_interval(secs => $4) WHERE target = $1",
            target.id,
            answer["access_token"],
            answer.get("refresh_token") or refresh,
            seconds,
        )
        return self._hold(target, str(answer["access_token"]), seconds)

    async def _ask(self, target: ExportTarget, refresh: str) -> dict[str, Any]:
        assert target.oauth is not None
        oauth = target.oauth
        client = f"{self._env[oauth.client_id_env]}:{self._env[oauth.client_secret_env]}"
        headers = {
            "Authorization": "Basic " + base64.b64encode(client.encode()).decode(),
            "Accept": "application/json",
        }
        form = {"grant_type": "refresh_token", "refresh_token": refresh}
        try:
            response = await self._http.post(
                oauth.token_url, data=form, headers=headers, timeout=10
            )
        except httpx.HTTPError as exc:
            raise ExportUnavailable(f"{target.id}: token endpoint: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise ExportUnavailable(f"{target.id}: token endpoint HTTP {response.status_code}")
        if response.status_code >= 400:
            raise TokenRefused(
                f"{target.id}: the token endpoint refused the refresh token"
                f" ({response.text[:200]}): reconnect the app and give the new refresh"
                f" token (PUT /exports/targets/{target.id}/refresh-token)"
            )
        return dict(response.json())


async def replace_refresh_token(conn: asyncpg.Connection, target: str, token: str) -> None:
    """An operator reconnected the app: the new refresh token, no access token yet."""
    await conn.execute(
        "INSERT INTO export_tokens (target, refresh_token) VALUES ($1, $2)"
        " ON CONFLICT (target) DO UPDATE SET refresh_token = EXCLUDED.refresh_token,"
        " access_token = NULL, expires_at = NULL",
        target,
        token,
    )
