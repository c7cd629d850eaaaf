"""Every HTTP request gets an id and is counted: `X-Request-Id` (the caller's, when it is
a sane token, else a new UUID) comes back on the answer, is bound to every log line the
request writes, and becomes the correlation id of the events it causes
(`correlation_id()`), so one webhook can be followed from its 200 through every service.
`crossdock_http_requests_total{method,route,status}` and
`crossdock_http_request_seconds{method,route}` are labelled by the route's template
(`/orders/{order_id}`), never by the path itself: no ids in labels, a bounded series count.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware), so a request costs two
dictionary look-ups and a histogram observation, and streaming answers stay streamed.
"""

import contextvars
import re
import time
import uuid
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram

HEADER = b"x-request-id"
# Durations from a few milliseconds to ten seconds: requests and consumed events alike.
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
NAMESPACE = uuid.UUID("6f1c9a4e-2f0b-4f45-9a53-6c3b8d0e7a21")  # ids that are not UUIDs

_current: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "crossdock_request", default=None
)


def correlation_id() -> uuid.UUID:
    """The request's id as a UUID inside a request (a new flow's id elsewhere)."""
    return _current.get() or uuid.uuid4()


def _as_uuid(request_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(request_id)
    except ValueError:
        return uuid.uuid5(NAMESPACE, request_id)


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "crossdock_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "crossdock_http_request_seconds",
            "Time to answer an HTTP request, by route template.",
            ["method", "route"],
            buckets=SECONDS_BUCKETS,
            registry=registry,
        )


def _presented(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            text: str = value.decode("latin-1")
            if SANE.match(text):
                return text
    return str(uuid.uuid4())


class RequestIds:
    def __init__(self, app: Any, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _presented(scope)
        token = _current.set(_as_uuid(request_id))
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = [500]
        started = time.perf_counter()

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            _current.reset(token)
            structlog.contextvars.unbind_contextvars("request_id")
            self._observe(scope, status[0], time.perf_counter() - started)

    def _observe(self, scope: dict[str, Any], status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope.get("method", "")
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.seconds.labels(method, route).observe(seconds)
