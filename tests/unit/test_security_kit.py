"""The kit's defences, one behaviour each: tokens, body limits, bounded parsers, logs."""

import hashlib
import logging
import os
import time
from pathlib import Path

import httpx
import pytest
from fastapi import Depends, FastAPI, Request

from shared.auth import Scope, TokenStore, credential, require_admin, require_reader
from shared.body_limit import BodyLimit
from shared.bounded import InputRejected, decimal_of, json_loads, yaml_load
from shared.events.bounds import sku_problem
from shared.events.money import MoneyError, to_minor_units
from shared.logging import WithoutQueryStrings

ADMIN = "a" * 40
READER = "r" * 40


def app_with(store: TokenStore, limit: int = 1024) -> FastAPI:
    app = FastAPI()
    app.state.tokens = store

    @app.get("/read", dependencies=[Depends(require_reader)])
    async def read() -> dict[str, str]:
        return {"ok": "read"}

    @app.post("/write", dependencies=[Depends(require_admin)])
    async def write(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @app.post("/parsed", dependencies=[Depends(require_admin)])
    async def parsed(body: dict[str, str]) -> dict[str, int]:
        return {"fields": len(body)}

    app.add_middleware(BodyLimit, default=limit, per_route={"/write/big": 10 * limit})
    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def store(file: Path | None = None) -> TokenStore:
    fixed = (credential("admin", Scope.ADMIN, ADMIN), credential("ops", Scope.READ, READER))
    return TokenStore("order-router", fixed, file)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_read_without_a_token_is_refused_with_401() -> None:
    async with client(app_with(store())) as c:
        response = await c.get("/read")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


async def test_a_read_only_token_reads_but_cannot_write() -> None:
    async with client(app_with(store())) as c:
        assert (await c.get("/read", headers=bearer(READER))).status_code == 200
        assert (await c.post("/write", headers=bearer(READER))).status_code == 403
        assert (await c.post("/write", headers=bearer(ADMIN))).status_code == 200


async def test_an_unknown_or_malformed_token_is_refused() -> None:
    async with client(app_with(store())) as c:
        assert (await c.get("/read", headers=bearer("x" * 40))).status_code == 401
        assert (await c.get("/read", headers={"Authorization": READER})).status_code == 401


def test_a_short_token_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="shorter than 32"):
        credential("weak", Scope.ADMIN, "short")


async def test_a_token_added_to_the_file_is_valid_without_a_restart_and_gone_when_removed(
    tmp_path: Path,
) -> None:
    file = tmp_path / "tokens.yaml"
    file.write_text("tokens: []\n")
    tokens = store(file)
    tokens.RECHECK_SECONDS = 0
    new = "n" * 48
    async with client(app_with(tokens)) as c:
        assert (await c.get("/read", headers=bearer(new))).status_code == 401
        digest = hashlib.sha256(new.encode()).hexdigest()
        file.write_text(f"tokens:\n  - {{name: new-ops, scope: read, sha256: {digest}}}\n")
        os.utime(file, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert (await c.get("/read", headers=bearer(new))).status_code == 200
        assert (await c.get("/read", headers=bearer(READER))).status_code == 200  # both valid
        file.write_text("tokens: []\n")
        os.utime(file, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
        assert (await c.get("/read", headers=bearer(new))).status_code == 401


def test_a_file_token_limited_to_other_services_is_not_valid_here(tmp_path: Path) -> None:
    file = tmp_path / "tokens.yaml"
    digest = hashlib.sha256(b"s" * 40).hexdigest()
    file.write_text(
        f"tokens:\n  - {{name: books, scope: read, services: [accounting-poster],"
        f" sha256: {digest}}}\n"
    )
    assert store(file).scope_of("s" * 40) is None


async def test_a_declared_body_over_the_limit_is_refused_before_it_is_read() -> None:
    async with client(app_with(store())) as c:
        response = await c.post("/write", headers=bearer(ADMIN), content=b"x" * 2048)
    assert response.status_code == 413 and "1024-byte limit" in response.json()["detail"]


async def test_a_streamed_body_is_cut_off_when_it_passes_the_limit() -> None:
    async def chunks():
        for _ in range(10):
            yield b"x" * 512

    async with client(app_with(store())) as c:
        raw = await c.post("/write", headers=bearer(ADMIN), content=chunks())
        # FastAPI turns a failed body read into a 400 of its own: the 413 must still win.
        parsed = await c.post("/parsed", headers=bearer(ADMIN), content=chunks())
    assert (raw.status_code, parsed.status_code) == (413, 413)


def test_a_route_prefix_has_its_own_limit() -> None:
    limit = BodyLimit(app_with(store()), 1024, {"/xref": 8192})
    assert (limit.limit_for("/xref"), limit.limit_for("/orders/1")) == (8192, 1024)


def test_a_decimal_bomb_is_refused_before_any_arithmetic() -> None:
    started = time.process_time()
    with pytest.raises(MoneyError):
        to_minor_units("1e999990", "USD")
    with pytest.raises(InputRejected):
        decimal_of("9" * 41)
    assert time.process_time() - started < 0.5


def test_ordinary_amounts_still_convert_exactly() -> None:
    assert to_minor_units("19.99", "USD") == 1999 and to_minor_units(5, "JPY") == 5


def test_deep_json_is_refused_with_a_reason() -> None:
    with pytest.raises(InputRejected, match="nested deeper"):
        json_loads(b"[" * 100 + b"]" * 100)
    with pytest.raises(InputRejected, match="nested deeper"):
        json_loads(b"[" * 100_000 + b"]" * 100_000)


def test_json_numbers_out_of_range_and_nul_characters_are_refused() -> None:
    for body in (b'{"price": 1e999990}', b'{"n": NaN}', b'{"q": ' + b"9" * 50 + b"}"):
        with pytest.raises(InputRejected):
            json_loads(body)
    with pytest.raises(InputRejected, match="NUL"):
        json_loads(b'{"name": "Ada\\u0000"}')
    assert json_loads(b'{"price": 19.99, "q": 2}') == {"price": 19.99, "q": 2}


def test_a_yaml_alias_bomb_is_refused_at_once() -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    started = time.process_time()
    with pytest.raises(InputRejected, match="aliases"):
        yaml_load(bomb)
    assert time.process_time() - started < 0.5


def test_deep_yaml_is_refused() -> None:
    with pytest.raises(InputRejected, match="nested deeper"):
        yaml_load("a: " + "[" * 100 + "]" * 100)


@pytest.mark.parametrize("sku", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "A\x00", " lead", ""])
def test_a_sku_that_would_run_as_a_formula_or_cannot_be_stored_is_refused(sku: str) -> None:
    assert sku_problem(sku) is not None


def test_ordinary_skus_pass() -> None:
    assert [sku_problem(s) for s in ("SKU-1", "ab_12.3", "9780262033848")] == [None] * 3


def test_access_lines_keep_the_path_and_drop_the_query_string() -> None:
    record = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', None, None)
    record.args = ("127.0.0.1:5", "POST", "/webhooks/shipstation?token=secret", "1.1", 200)
    WithoutQueryStrings().filter(record)
    assert "secret" not in record.getMessage() and "/webhooks/shipstation" in record.getMessage()


async def test_an_internal_error_answers_an_error_id_and_never_the_drivers_text() -> None:
    from shared.runtime import _internal_error

    app = FastAPI()
    app.add_exception_handler(Exception, _internal_error)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError('relation "orders" does not exist at character 15')

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/boom")
    assert response.status_code == 500
    assert "relation" not in response.text and response.json()["error_id"]


async def test_a_declared_oversized_body_is_read_to_its_end_before_the_413_is_sent() -> None:
    """The answer closes the connection; answering while the sender still writes would
    reset it, and the sender would never read why (seen with a 1 MB webhook under load)."""
    events: list[str] = []
    parts = [{"type": "http.request", "body": b"x" * 512, "more_body": n < 3} for n in range(4)]

    async def receive() -> dict[str, object]:
        events.append("read")
        return parts.pop(0)

    async def send(message: dict[str, object]) -> None:
        events.append(str(message["type"]))

    async def never_called(scope: object, receive: object, send: object) -> None:
        raise AssertionError("the app must not see an oversized body")

    scope = {"type": "http", "path": "/write", "headers": [(b"content-length", b"2048")]}
    await BodyLimit(never_called, 1024, {})(scope, receive, send)
    assert events == ["read"] * 4 + ["http.response.start", "http.response.body"]
