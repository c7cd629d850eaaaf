"""Who may call what: scoped bearer tokens for every endpoint that is not a partner's
own authenticated door (webhooks, the 3PL API), health or metrics.

Two scopes: `read` (an operator: orders, stock, books, quarantine, dead letters) and
`admin` (everything `read` may, plus writes: stock changes, costs, approvals, replays).
A token may also be limited to some services. Tokens come from the service's settings
(`CROSSDOCK_ADMIN_TOKEN`, and `CROSSDOCK_OPERATOR_TOKEN` where set) and from an optional
tokens file (`CROSSDOCK_TOKENS_FILE`), which is read again whenever it changes: a new
token is added, both are valid while clients move over, then the old one is removed —
no restart. The file holds SHA-256 digests or names environment variables, never the
tokens themselves. Every comparison is constant-time over all known tokens, so timing
says nothing about which one was close.
"""

import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_TOKEN_LENGTH = 32


class Scope(StrEnum):
    READ = "read"
    ADMIN = "admin"


class TokenEntry(BaseModel):
    """One line of the tokens file: a digest of the token, or the variable holding it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scope: Scope
    services: tuple[str, ...] | None = Field(None, description="None: every service.")
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    token_env: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "TokenEntry":
        if (self.sha256 is None) == (self.token_env is None):
            raise ValueError(f"token {self.name}: give exactly one of sha256, token_env")
        return self


@dataclass(frozen=True)
class Credential:
    name: str
    scope: Scope
    digest: bytes


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def credential(name: str, scope: Scope, token: str) -> Credential:
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"token {name} is shorter than {MIN_TOKEN_LENGTH} characters")
    return Credential(name, scope, digest(token))


def _from_entry(entry: TokenEntry) -> Credential:
    if entry.sha256 is not None:
        return Credential(entry.name, entry.scope, bytes.fromhex(entry.sha256))
    token = os.environ.get(entry.token_env or "")
    if not token:
        raise ValueError(f"token {entry.name}: variable {entry.token_env} is not set")
    return credential(entry.name, entry.scope, token)


def load_tokens_file(path: Path, service: str) -> tuple[Credential, ...]:
    document = yaml.safe_load(path.read_text()) or {}
    entries = [TokenEntry.model_validate(item) for item in document.get("tokens", [])]
    return tuple(_from_entry(e) for e in entries if e.services is None or service in e.services)


class TokenStore:
    """The tokens this service accepts; the file's are reloaded when it changes."""

    RECHECK_SECONDS = 1.0

    def __init__(self, service: str, fixed: tuple[Credential, ...], file: Path | None) -> None:
        self._service = service
        self._fixed = fixed
        self._file = file
        self._from_file: tuple[Credential, ...] = ()
        self._stamp: float | None = None
        self._checked = 0.0
        self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._file is None or (not force and now - self._checked < self.RECHECK_SECONDS):
            return
        self._checked = now
        stamp = self._file.stat().st_mtime_ns if self._file.exists() else None
        if force or stamp != self._stamp:
            # A broken edit keeps the last good set rather than locking everyone out.
            try:
                found = load_tokens_file(self._file, self._service) if stamp else ()
            except (ValueError, OSError, yaml.YAMLError):
                if force:
                    raise
                return
            self._from_file, self._stamp = found, stamp

    def scope_of(self, presented: str) -> Scope | None:
        """The widest scope the token grants, or None; compared with every known token."""
        self._refresh()
        offered = digest(presented)
        granted: Scope | None = None
        for known in self._fixed + self._from_file:
            if hmac.compare_digest(offered, known.digest):
                granted = Scope.ADMIN if Scope.ADMIN in (granted, known.scope) else known.scope
        return granted


# Declared as a security scheme, so every service's OpenAPI document says how to call it.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="CrossdockToken",
    description="A Crossdock read (operator) or admin token: `Authorization: Bearer <token>`"
    " (docs/security.md).",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]


def _check(
    request: Request, credentials: HTTPAuthorizationCredentials | None, needed: Scope
) -> None:
    store: TokenStore = request.app.state.tokens
    token = (credentials.credentials.strip() or None) if credentials is not None else None
    if token is None:
        raise HTTPException(
            401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    granted = store.scope_of(token)
    if granted is None:
        raise HTTPException(401, "bearer token not recognised", {"WWW-Authenticate": "Bearer"})
    if needed is Scope.ADMIN and granted is not Scope.ADMIN:
        raise HTTPException(403, "this endpoint needs an admin token; the token is read-only")


async def require_reader(request: Request, credentials: Credentials) -> None:
    """A FastAPI dependency: an operator (read) or admin token."""
    _check(request, credentials, Scope.READ)


async def require_admin(request: Request, credentials: Credentials) -> None:
    """A FastAPI dependency: an admin token."""
    _check(request, credentials, Scope.ADMIN)
