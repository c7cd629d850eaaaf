"""The `crossdock` command's contract with scripts: `--json` prints the service's answer
and nothing else on standard output; exit 0 all well, 1 something found, 2 a usage
error, 3 the hub refused or could not be reached. Against a small HTTP server standing in
for the gateway (the commands against a real hub are in the e2e suite)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from typer.testing import CliRunner

from tools.cli_app import app

QUARANTINE = {
    "deliveries": [],
    "lines": [],
    "by_reason": [{"reason": "unknown SKU X", "count": 2, "channels": ["web"]}],
    "lines_by_reason": [],
}


class Gateway(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.headers.get("authorization") != "Bearer " + "r" * 32:
            self._answer(401, {"detail": "bearer token not recognised"})
        elif self.path == "/quarantine":
            self._answer(200, QUARANTINE)
        else:
            self._answer(404, {"detail": f"no {self.path}"})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("CROSSDOCK_GATEWAY_URL", url)
    monkeypatch.setenv("CROSSDOCK_OPERATOR_TOKEN", "r" * 32)
    yield url
    server.shutdown()


def test_json_is_the_answer_and_exit_1_says_something_is_quarantined(gateway: str) -> None:
    done = CliRunner().invoke(app, ["quarantine", "list", "--json"])
    assert done.exit_code == 1
    assert json.loads(done.stdout) == QUARANTINE


def test_text_lists_each_reason(gateway: str) -> None:
    done = CliRunner().invoke(app, ["quarantine", "list"])
    assert done.stdout == "unknown SKU X — 2 deliveries (web)\n"


def test_a_refusal_exits_3_with_the_services_reason(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSDOCK_OPERATOR_TOKEN", "w" * 32)
    done = CliRunner().invoke(app, ["quarantine", "list"])
    assert done.exit_code == 3 and "bearer token not recognised" in done.stderr


def test_an_unreachable_hub_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSDOCK_GATEWAY_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CROSSDOCK_OPERATOR_TOKEN", "r" * 32)
    done = CliRunner().invoke(app, ["quarantine", "list"])
    assert done.exit_code == 3 and "unreachable" in done.stderr


def test_usage_errors_exit_2(gateway: str) -> None:
    assert CliRunner().invoke(app, ["quarantine", "replay"]).exit_code == 2
    assert CliRunner().invoke(app, ["dead-letters", "elsewhere", "list"]).exit_code == 2
    assert CliRunner().invoke(app, ["reconcile", "prices"]).exit_code == 2
    assert CliRunner().invoke(app, ["no-such-command"]).exit_code == 2
