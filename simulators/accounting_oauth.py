"""The accounting systems' OAuth 2.0 token endpoints, as QuickBooks Online
(`POST /oauth2/v1/tokens/bearer`) and Xero (`POST /connect/token`) document them: the
app's client id and secret as HTTP Basic, the form `grant_type=refresh_token&
refresh_token=...`; the answer `{"access_token", "refresh_token", "expires_in",
"token_type": "Bearer"}`. A refresh token is single-use (Xero's rule: each answer gives
the next one); a spent, revoked or unknown one is answered 400 `invalid_grant`. Access
tokens expire after `token_seconds`.
Test side (the accounting simulator's /_control): token_seconds, revoke_refresh (every
refresh token refused from now on), grant_refresh (a new valid refresh token, as
reconnecting the app gives one).
"""

import base64
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse


class Tokens:
    def __init__(self, client: tuple[str, str] | None, first_refresh: str | None) -> None:
        self.client = client  # (id, secret); None: no OAuth app configured
        self.refresh: set[str] = {first_refresh} if first_refresh else set()
        self.access: dict[str, float] = {}  # token -> when it expires
        self.seconds = 1800.0
        self.counts = {"refreshed": 0, "refused": 0}

    def valid(self, bearer: str | None) -> bool:
        token = (bearer or "").removeprefix("Bearer ")
        return self.access.get(token, 0.0) > time.time()

    def control(self, update: dict[str, Any]) -> dict[str, Any]:
        if "token_seconds" in update:
            self.seconds = float(update["token_seconds"])
            self.access = {t: min(e, time.time() + self.seconds) for t, e in self.access.items()}
        if update.get("revoke_refresh"):
            self.refresh.clear()
        granted = None
        if update.get("grant_refresh"):
            granted = secrets.token_urlsafe(24)
            self.refresh.add(granted)
        return {"token_seconds": self.seconds, **self.counts, "granted_refresh": granted}


router = APIRouter()


@router.post("/oauth2/v1/tokens/bearer")
@router.post("/connect/token")
async def token(request: Request, authorization: str | None = Header(None)) -> JSONResponse:
    tokens: Tokens = request.app.state.tokens
    form = parse_qs((await request.body()).decode())  # application/x-www-form-urlencoded
    grant_type = (form.get("grant_type") or [""])[0]
    refresh_token = (form.get("refresh_token") or [""])[0]
    expected = (
        "Basic " + base64.b64encode(":".join(tokens.client).encode()).decode()
        if tokens.client
        else None
    )
    if expected is None or authorization != expected:
        return JSONResponse({"error": "invalid_client"}, 401)
    if grant_type != "refresh_token" or refresh_token not in tokens.refresh:
        tokens.counts["refused"] += 1
        return JSONResponse({"error": "invalid_grant"}, 400)
    tokens.refresh.discard(refresh_token)  # single use
    access, following = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    tokens.refresh.add(following)
    tokens.access[access] = time.time() + tokens.seconds
    tokens.counts["refreshed"] += 1
    return JSONResponse(
        {
            "access_token": access,
            "refresh_token": following,
            "expires_in": int(tokens.seconds),
            "token_type": "Bearer",
        }
    )
