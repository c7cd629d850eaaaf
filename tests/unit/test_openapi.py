"""Every service's OpenAPI document is committed (docs/openapi/) as its code gives it, and
says how each route is guarded: a token, a 3PL's key, or a partner's own signature."""

import json
from pathlib import Path

import pytest

from shared.topics import SERVICES
from tools.openapi import document

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "openapi"
# Doors that check a partner's own credential in the handler (a webhook signature, an
# EDI partner's token), and what carries no data: they name no scheme of ours.
OPEN = ("/webhooks/", "/edi/", "/health/", "/console/sign-", "/console/static/")


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_document_is_the_one_the_code_gives(service: str) -> None:
    committed = json.loads((FOLDER / f"{service}.json").read_text())
    assert committed == json.loads(json.dumps(document(service))), (
        f"docs/openapi/{service}.json is stale: run `make openapi`"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_but_the_partners_doors_names_its_security_scheme(service: str) -> None:
    spec = document(service)
    schemes = set(spec["components"]["securitySchemes"])
    unguarded = [
        f"{method.upper()} {path}"
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if not path.startswith(OPEN)
        and not path.startswith("/console")
        and not {name for s in operation.get("security", []) for name in s} & schemes
    ]
    assert unguarded == []
