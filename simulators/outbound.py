"""One HTTP client per simulator process for what it sends the hub (webhooks, sales).

A client per request builds a TLS context each time — tens of milliseconds of CPU that
stall a simulator's event loop during a rush, so its own calls time out."""

import httpx

_clients: list[httpx.AsyncClient] = []


def client() -> httpx.AsyncClient:
    if not _clients:
        _clients.append(httpx.AsyncClient(timeout=30))
    return _clients[0]
