"""`docker compose up` starts: the compose file, with .env.example's values put in the way
Compose interpolates them, is valid under the Compose Specification (its JSON schema, as
the docker-compose package on PyPI ships it, vendored in deploy/compose/), every variable
it asks for is in .env.example, one image is built once and runs every service and
simulator, each has a healthcheck, and the hub reaches its partners by service name."""

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from shared.topics import SERVICES
from tools.compose_config import PARTNERS, written

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?]([^}]*))?\}")


def example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines())
    return {k: v for k, v in (p for p in pairs if len(p) == 2) if not k.startswith("#")}


def interpolated(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in env, f"docker-compose.yml asks for {name}: add it to .env.example"
        return env[name]

    return VARIABLE.sub(value, text)


def compose() -> dict[str, Any]:
    text = interpolated((ROOT / "docker-compose.yml").read_text(), example())
    found: dict[str, Any] = yaml.safe_load(text)
    return found


def test_the_file_is_valid_under_the_compose_specification() -> None:
    schema = json.loads((ROOT / "deploy/compose/compose-spec.json").read_text())
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(compose())]
    assert errors == []


def test_the_check_refuses_what_compose_would_refuse() -> None:
    schema = json.loads((ROOT / "deploy/compose/compose-spec.json").read_text())
    wrong = {"services": {"x": {"image": "a", "ports": "8000:8000", "restrat": "always"}}}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(wrong))


def test_one_image_built_once_runs_the_hub_and_every_partner() -> None:
    services = compose()["services"]
    built = [name for name, s in services.items() if "build" in s]
    assert built == ["topics"]
    ours = {name for name, s in services.items() if s.get("image") == "crossdock:local"}
    assert ours == {"topics", *SERVICES, *PARTNERS.values()}
    assert all(services[name]["pull_policy"] == "never" for name in ours)


def test_every_service_and_partner_says_when_it_is_healthy() -> None:
    services = compose()["services"]
    for name in {*SERVICES, *PARTNERS.values(), "kafka", "postgres"}:
        assert services[name]["healthcheck"]["test"], name


def test_the_hub_reads_the_compose_configuration_and_reaches_partners_by_name() -> None:
    services = compose()["services"]
    for name in SERVICES:
        service = services[name]
        assert "./deploy/compose/config:/etc/crossdock:ro" in service["volumes"], name
        assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert service["environment"]["CROSSDOCK_CHANNELS_FILE"].startswith("/etc/crossdock/")
    committed = {p.name: p.read_text() for p in (ROOT / "deploy/compose/config").glob("*.yaml")}
    assert committed == written(), "deploy/compose/config is stale: run `make compose-config`"
    assert "127.0.0.1" not in "".join(committed.values())


def test_the_accounting_simulator_knows_the_charts_accounts() -> None:
    chart = yaml.safe_load((ROOT / "config/accounts.yaml").read_text())
    accounts = compose()["services"]["accounting-api"]["environment"]["ACCOUNTS"]
    assert accounts.split(",") == [a["code"] for a in chart["accounts"]]
