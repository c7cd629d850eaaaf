"""What a route asks for, resolved from the running app (`request.app.state`, set when
the app is built), so routes are plain top-level functions and nothing connects at import.

    @router.get("/channel-updates")
    async def channel_updates(uow: Uow) -> ...

Dependencies are `async def` even when they await nothing: FastAPI runs a plain `def`
one in its thread pool, a thread hop (and GIL hand-offs) on every request.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from shared.db import UnitOfWork
from shared.group_commit import GroupCommit


async def unit_of_work(request: Request) -> UnitOfWork:
    """A fresh unit of work on the service's pool, for one request."""
    uow: UnitOfWork = request.app.state.runtime.uow()
    return uow


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


async def unit_of_work_factory(request: Request) -> Callable[[], UnitOfWork]:
    """For a route that works in several transactions (one per item it replays, say)."""
    factory: Callable[[], UnitOfWork] = request.app.state.runtime.uow
    return factory


UowFactory = Annotated[Callable[[], UnitOfWork], Depends(unit_of_work_factory)]


async def shared_commit(request: Request) -> GroupCommit:
    """For a request that answers after a durable commit, which others arriving together
    may share (`shared.group_commit`)."""
    commit: GroupCommit = request.app.state.runtime.group_commit
    return commit


SharedCommit = Annotated[GroupCommit, Depends(shared_commit)]
