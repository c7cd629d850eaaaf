"""An outage a test can switch on: for a while, every call a hub makes to the simulated
partner is answered with one error status, as a platform under an incident answers.

    POST /_outage {"status": 429, "seconds": 60}

A 429 carries `Retry-After: 2.0`, as Shopify's REST Admin API does when its leaky bucket
is full (https://shopify.dev/docs/api/admin-rest/usage/rate-limits); a 5xx carries
nothing. Test-side paths (`/_...`) keep working meanwhile.
"""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class Outage(BaseModel):
    status: int = Field(503, ge=400, le=599)
    seconds: float = Field(ge=0, le=3600)


def add_outage_switch(app: FastAPI) -> None:
    state = {"until": 0.0, "status": 503}

    @app.post("/_outage")
    async def switch(outage: Outage) -> dict[str, float]:
        state["until"] = time.monotonic() + outage.seconds
        state["status"] = outage.status
        return {"seconds": outage.seconds}

    @app.middleware("http")
    async def refuse_during_outage(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path.startswith("/_") or time.monotonic() >= state["until"]:
            return await call_next(request)
        status = int(state["status"])
        headers = {"Retry-After": "2.0"} if status == 429 else {}
        body = {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."}
        if status != 429:
            body = {"errors": "Service unavailable"}
        return JSONResponse(body, status_code=status, headers=headers)
