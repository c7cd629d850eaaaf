"""The `crossdock` command's way to the hub: one HTTP call at a time on the operator's
token, every refusal or failure to connect turned into exit code 3 with the service's
reason on standard error; JSON or text on standard output, progress on standard error."""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

OK, FOUND, USAGE, REFUSED = 0, 1, 2, 3
DEFAULT_PORTS = {
    "storefront-gateway": 8000,
    "order-router": 8001,
    "inventory-ledger": 8002,
    "shipping-bridge": 8003,
    "accounting-poster": 8004,
}
err = Console(stderr=True, soft_wrap=True)  # a reason is one line, whatever the width


def service_url(service: str) -> str:
    variable = f"CROSSDOCK_{service.upper().replace('-', '_')}_URL"
    if service == "storefront-gateway":
        variable = "CROSSDOCK_GATEWAY_URL"
    return os.environ.get(variable, f"http://127.0.0.1:{DEFAULT_PORTS[service]}")


def _token(admin: bool) -> str:
    """Reads take the operator's read-only token where one is set; writes need admin."""
    token = None if admin else os.environ.get("CROSSDOCK_OPERATOR_TOKEN")
    token = token or os.environ.get("CROSSDOCK_ADMIN_TOKEN")
    if not token:
        usage("set CROSSDOCK_OPERATOR_TOKEN (reads) or CROSSDOCK_ADMIN_TOKEN")
    return token or ""


def usage(message: str) -> None:
    err.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(USAGE)


class Service:
    def __init__(self, name: str, url: str | None = None) -> None:
        self.name = name
        self.url = (url or service_url(name)).rstrip("/")

    def call(self, method: str, path: str, admin: bool = False, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {_token(admin)}"}
        try:
            answer = httpx.request(method, self.url + path, headers=headers, timeout=300, **kwargs)
        except httpx.HTTPError as exc:
            err.print(
                f"{self.name} at {self.url} unreachable: {exc}", markup=False, highlight=False
            )
            raise typer.Exit(REFUSED) from exc
        if answer.status_code >= 400:
            err.print(
                f"{method} {path}: {answer.status_code} {answer.text}",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(REFUSED)
        return answer


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def say(line: str) -> None:
    """A line of plain text on standard output (no markup: ids and reasons print as they are)."""
    sys.stdout.write(line + "\n")


@contextmanager
def progress(what: str, total: int | None) -> Iterator[Any]:
    """A bar (or a spinner when the total is unknown) on standard error; silent when
    standard error is not a terminal, so scripts and logs stay clean."""
    columns: list[Any] = [SpinnerColumn(), TextColumn(what)]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(what, total=total)
        yield lambda advance=1: bar.update(task, advance=advance)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
