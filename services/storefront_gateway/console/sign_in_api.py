"""The console's open doors: the sign-in page, signing in and out, the stylesheet; and
the pages that answer when a session is missing (401) or may not act (403)."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from services.storefront_gateway.console.deps import Parts
from services.storefront_gateway.console.pages import STYLESHEET, form_of, page
from services.storefront_gateway.console.session import (
    COOKIE,
    COOKIE_PATH,
    SESSION_SECONDS,
    SignInNeeded,
    same_origin,
    scope_of,
)

door = APIRouter(prefix="/console", tags=["ops console"])


@door.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(next: str = "/console/orders") -> HTMLResponse:
    return page("sign_in.html", next=_inside(next), reason=None)


@door.post("/sign-in", response_class=HTMLResponse, response_model=None)
async def sign_in(request: Request, parts: Parts) -> Response:
    """A valid hub token (read or admin) opens a session; anything else is refused."""
    form = await form_of(request)
    token = form.get("token", "").strip()
    target = _inside(form.get("next", "/console/orders"))
    if not same_origin(request) or not token or scope_of(request, token) is None:
        return page("sign_in.html", 401, next=target, reason="That token is not valid here.")
    secure = parts.secure_cookie
    if secure is None:
        secure = request.url.scheme == "https"
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(
        COOKIE, token, max_age=SESSION_SECONDS, path=COOKIE_PATH,
        httponly=True, samesite="strict", secure=secure,
    )  # fmt: skip
    return answer


@door.post("/sign-out")
async def sign_out() -> RedirectResponse:
    """Anyone may forget their own session."""
    answer = RedirectResponse("/console/sign-in", status_code=303)
    answer.delete_cookie(COOKIE, path=COOKIE_PATH)
    return answer


@door.get("/static/console.css")
async def stylesheet() -> Response:
    headers = {"cache-control": "public, max-age=3600", "x-content-type-options": "nosniff"}
    return Response(STYLESHEET, media_type="text/css", headers=headers)


def _inside(target: str) -> str:
    """Only a console page: a sign-in link cannot send the operator elsewhere."""
    safe = target.startswith("/console/") and "//" not in target and "\\" not in target
    return target if safe else "/console/orders"


async def sign_in_needed(request: Request, exc: Exception) -> HTMLResponse:
    reason = exc.reason if isinstance(exc, SignInNeeded) else "Sign in."
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = page("sign_in.html", 401, next=_inside(here), reason=reason)
    response.headers["www-authenticate"] = "Bearer"
    return response


async def not_allowed(request: Request, exc: Exception) -> HTMLResponse:
    return page("refused.html", 403, reason=str(exc))
