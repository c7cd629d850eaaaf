"""Writing each service's generated document (AsyncAPI, OpenAPI) into its folder, one
JSON file per service, keys sorted so a regenerated file differs only where the code did."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.topics import SERVICES


def write_documents(out: Path, document: Callable[[str], dict[str, Any]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for service in SERVICES:
        path = out / f"{service}.json"
        path.write_text(json.dumps(document(service), indent=2, sort_keys=True) + "\n")
        print(f"wrote {path}")
