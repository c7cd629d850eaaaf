"""What the console's routes are given: the hub's services' URLs and the gateway's one
HTTP client, set on the app at start (nothing connects at import)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request

from services.storefront_gateway.connectors.hub import HubApi
from services.storefront_gateway.console.session import OperatorSession


@dataclass(frozen=True)
class ConsoleParts:
    urls: dict[str, str]
    http: Callable[[], httpx.AsyncClient]
    secure_cookie: bool | None  # None: Secure when the request came over https


async def console_parts(request: Request) -> ConsoleParts:
    parts: ConsoleParts = request.app.state.console
    return parts


Parts = Annotated[ConsoleParts, Depends(console_parts)]


async def operator_api(session: OperatorSession, parts: Parts) -> HubApi:
    """The hub as this operator may see it: every call on their own token."""
    return HubApi(parts.http(), parts.urls, session.token)


Api = Annotated[HubApi, Depends(operator_api)]
