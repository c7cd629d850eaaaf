"""`make openapi`: writes each service's OpenAPI document (routes, bodies, answers and
the security schemes that guard them) from its real app, as `create_app` wires it.

Nothing connects: building an app does no I/O. The secrets a configuration names are
given distinct placeholders (a document needs none, and the 3PL keys must differ).
"""

import importlib
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from pydantic import SecretStr

from shared.config import HubSettings
from tools.documents import write_documents

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


class _Environment(dict[str, str]):
    """The variables the configuration files name, each its own placeholder; any other
    variable asked for by name gets one too."""

    def get(self, key: str, default: Any = None) -> str:
        return super().get(key) or _placeholder(key)

    def __getitem__(self, key: str) -> str:
        return self.get(key)


def _placeholder(name: str) -> str:
    return f"documents-only-{name.lower()}-" + "0" * 32


def _environment() -> _Environment:
    names = {
        n for path in (ROOT / "config").glob("*.yaml") for n in NAMED.findall(path.read_text())
    }
    return _Environment({name: _placeholder(name) for name in names})


def app_of(service: str) -> Any:
    module = importlib.import_module(f"services.{service.replace('-', '_')}.app")
    settings = next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, HubSettings) and value is not HubSettings
    )
    with mock.patch("os.environ", _environment()):
        return module.create_app(settings(admin_token=SecretStr(_placeholder("admin"))))


def document(service: str) -> dict[str, Any]:
    found: dict[str, Any] = app_of(service).openapi()
    return found


def main(out: Path) -> None:
    write_documents(out, document)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi"))
