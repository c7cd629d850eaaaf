"""One request-body limit for every route of a service, enforced before the body is read.

A declared `Content-Length` over the limit is refused (413) without handing a byte to
the app (what was sent is read and dropped first, up to a few megabytes, so the sender
gets the answer); a body without one (chunked) is counted as it streams and refused the moment it
passes the limit, so no route ever holds more than the limit in memory. The default
comes from the settings (`CROSSDOCK_MAX_BODY_BYTES`); a route prefix may have its own
(`CROSSDOCK_BODY_LIMITS='{"/xref": 8388608}'`), the longest matching prefix winning.
"""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


DRAIN_BYTES = 8 * 1024 * 1024
DRAIN_SECONDS = 5.0


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes the limit (already answered)."""


class BodyLimit:
    def __init__(self, app: ASGIApp, default: int, per_route: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.per_route = sorted(per_route.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.per_route:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _drain(receive, declared)
            await _refuse(send, f"body of {declared} bytes exceeds the {limit}-byte limit")
            return
        started = refused = False
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    # Answer now: a framework reading the body may turn the error below
                    # into an answer of its own, which is then dropped.
                    refused = True
                    if not started:
                        await _refuse(send, f"body exceeds the {limit}-byte limit")
                if refused:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            return  # answered with 413 when the limit was passed


async def _drain(receive: Receive, declared: int) -> None:
    """Reads and drops a declared body before answering, so a sender still writing it
    reads the 413 instead of a reset connection (the answer closes it). Only up to a few
    megabytes and seconds, as a web server's lingering close: beyond, it is cut off."""
    if declared > DRAIN_BYTES:
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while True:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body"):
                    return


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(send: Send, reason: str) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
