"""Rendering: Jinja2 templates on the server, autoescaped, one stylesheet of our own and
no script, so the pages need nothing from outside at run time and a strict Content
Security Policy holds (no inline code, no other origin, no framing)."""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.storefront_gateway.console import domain

HERE = Path(__file__).parent
STYLESHEET = (HERE / "static" / "console.css").read_bytes()
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` on
    # the console's own POSTs, and the origin check needs the real one.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",  # pages carry orders and customers' data
}
FORM_LIMIT = 64 * 1024

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["money"] = domain.money
templates.filters["when"] = domain.when
templates.filters["label"] = lambda text: str(text or "").replace("_", " ")


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


async def form_of(request: Request) -> dict[str, str]:
    """An urlencoded form (the console's own); the last value of each field wins."""
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return {}
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
