"""One HTTP client per simulator process for what it sends the hub (webhooks, sales).

A client per request builds a TLS context each time — tens of milliseconds of CPU that
stall a simulator's event loop during a rush, so its own calls time out."""

import httpx

_clients: list[httpx.AsyncClient] = []


def client() -> httpx.AsyncClient:
    if not _clients:
        # Idle connections expire on our side first (uvicorn closes them after 5 s), so a
        # webhook never goes out on a connection the hub is closing.
        limits = httpx.Limits(max_connections=100, keepalive_expiry=2)
        _clients.append(httpx.AsyncClient(timeout=30, limits=limits))
    return _clients[0]
