"""Who is at the console: the operator signs in with their own hub token (read or admin),
kept in an HttpOnly, SameSite=Strict cookie scoped to /console, or sends it as a bearer
header. Every page's reads go out on that token, so each service authorises them itself;
a read token sees everything and changes nothing.

Actions are POSTs that carry a form token derived from the session's token (HMAC), and
the browser's Origin, when it sends one, must be this console's: a page elsewhere can
neither read the cookie nor forge an action with it.
"""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shared.auth import Scope, TokenStore

COOKIE = "crossdock_console"
COOKIE_PATH = "/console"
SESSION_SECONDS = 8 * 3600


class SignInNeeded(Exception):
    """No token, or one the hub does not know: the sign-in page answers (401)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotAllowed(Exception):
    """A read-only session asked for an action, or a form token did not match (403)."""


@dataclass(frozen=True)
class Session:
    token: str
    scope: Scope

    @property
    def can_act(self) -> bool:
        return self.scope is Scope.ADMIN

    @property
    def form_token(self) -> str:
        key = hashlib.sha256(self.token.encode()).digest()
        return hmac.new(key, b"crossdock console actions", hashlib.sha256).hexdigest()

    def check_form(self, presented: str | None) -> None:
        if not presented or not hmac.compare_digest(presented, self.form_token):
            raise NotAllowed("the form token is missing or stale: open the page again")


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip() or None
    return request.cookies.get(COOKIE) or None


def scope_of(request: Request, token: str) -> Scope | None:
    store: TokenStore = request.app.state.tokens
    return store.scope_of(token)


async def current_session(request: Request) -> Session:
    token = presented_token(request)
    if token is None:
        raise SignInNeeded("Sign in with your Crossdock token.")
    scope = scope_of(request, token)
    if scope is None:
        raise SignInNeeded("That token is not (or no longer) valid: sign in again.")
    return Session(token, scope)


def same_origin(request: Request) -> bool:
    """A browser names the page a POST came from; it must be this console."""
    origin = request.headers.get("origin")
    return origin is None or origin.rstrip("/") == str(request.base_url).rstrip("/")


OperatorSession = Annotated[Session, Depends(current_session)]
