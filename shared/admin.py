"""The admin bearer token every service's write endpoints require (stock changes, costs,
approvals, reconciliation): one check, compared in constant time."""

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, HTTPException


def admin_only(token: str, what: str = "") -> Callable[[str | None], None]:
    """A FastAPI dependency refusing with 401 unless `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()
    reason = "admin bearer token required" + (f" for {what}" if what else "")

    def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
        if authorization is None or not hmac.compare_digest(authorization.encode(), expected):
            raise HTTPException(401, reason)

    return require_admin
