"""Liveness and readiness, as Kubernetes probes expect them.

Live: the process answers. Ready: PostgreSQL and Kafka both answer now, so a replica
that lost either stops receiving traffic instead of accepting work it cannot store.
"""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

Probe = Callable[[], Awaitable[dict[str, bool]]]


def health_router(probe: Probe) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "live"}

    @router.get("/health/ready")
    async def ready() -> JSONResponse:
        checks = await probe()
        ok = all(checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    return router
