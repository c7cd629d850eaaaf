"""The console's buttons: `GET /console/actions/{kind}` asks for confirmation (saying
exactly what will happen), `POST` does it through the owning service's admin API and
shows its answer. Only an admin session may; the POST carries the session's form token."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from services.storefront_gateway.connectors.errors import Unavailable
from services.storefront_gateway.connectors.hub import HubRefused
from services.storefront_gateway.console.actions import ACTIONS, BadAction
from services.storefront_gateway.console.deps import Api
from services.storefront_gateway.console.pages import form_of, page
from services.storefront_gateway.console.session import (
    NotAllowed,
    OperatorSession,
    Session,
    same_origin,
)

router = APIRouter(prefix="/console/actions", tags=["ops console"])
Kind = Annotated[str, Path(max_length=40)]


def _allowed(session: Session) -> None:
    if not session.can_act:
        raise NotAllowed("Your token is read-only: an admin token is needed to act.")


@router.get("/{kind}", response_class=HTMLResponse)
async def confirm(kind: Kind, request: Request, session: OperatorSession) -> HTMLResponse:
    _allowed(session)
    action = ACTIONS.get(kind)
    if action is None:
        return page("missing.html", 404, session=session, what=f"No action {kind}.")
    params = dict(request.query_params)
    try:
        description = action.describe(params)
    except BadAction as exc:
        return page("missing.html", 422, session=session, what=str(exc))
    return page(
        "confirm.html", session=session, kind=kind, action=action,
        description=description, params=params,
    )  # fmt: skip


@router.post("/{kind}", response_class=HTMLResponse)
async def perform(kind: Kind, request: Request, session: OperatorSession, api: Api) -> HTMLResponse:
    _allowed(session)
    form = await form_of(request)
    session.check_form(form.pop("form_token", None))
    if not same_origin(request):
        raise NotAllowed("This action was sent from another site.")
    action = ACTIONS.get(kind)
    if action is None:
        return page("missing.html", 404, session=session, what=f"No action {kind}.")
    try:
        description = action.describe(form)
        answer, failure = await action.perform(api, form), None
    except BadAction as exc:
        return page("missing.html", 422, session=session, what=str(exc))
    except (HubRefused, Unavailable) as exc:
        answer, failure = None, str(exc)
    status = 200 if failure is None else 502
    return page(
        "outcome.html", status, session=session, action=action,
        description=description, answer=answer, failure=failure,
    )  # fmt: skip
