"""Which configuration `make up` runs the hub with: the merchant's own files where the
environment names them (`CROSSDOCK_CHANNELS_FILE`, `CROSSDOCK_LOCATIONS_FILE`,
`CROSSDOCK_FULFILLERS_FILE`, `CROSSDOCK_CHART_FILE`, `CROSSDOCK_FEEDS_FILE`,
`CROSSDOCK_ERP_URL`), the repository's `config/` otherwise; and which of the local
simulators that configuration refers to (by their 127.0.0.1 ports), so that only those
are started — a merchant pointing every channel at its real stores starts none.
"""

import re
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "CROSSDOCK_CHANNELS_FILE": "config/channels.yaml",
    "CROSSDOCK_LOCATIONS_FILE": "config/locations.yaml",
    "CROSSDOCK_FULFILLERS_FILE": "config/fulfillers.yaml",
    "CROSSDOCK_CHART_FILE": "config/accounts.yaml",
    "CROSSDOCK_FEEDS_FILE": "config/feeds.yaml",  # optional: no feeds without one
}
LOCAL_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost):(\d{2,5})")


class ConfigMissing(SystemExit):
    """A file the environment names does not exist: nothing starts."""


def config_files(environ: Mapping[str, str]) -> dict[str, Path]:
    """Each setting's file: the merchant's where named (it must exist), else ours."""
    chosen = {}
    for setting, ours in FILES.items():
        named = environ.get(setting)
        if named:
            path = Path(named).expanduser().resolve()
            if not path.is_file():
                raise ConfigMissing(f"{setting}={named}: no such file")
            chosen[setting] = path
        elif (ROOT / ours).is_file():
            chosen[setting] = ROOT / ours
    return chosen


def local_ports(files: Mapping[str, Path], erp_url: str) -> set[int]:
    """The 127.0.0.1 ports the configuration (and the ERP URL) sends the hub to."""
    texts = [path.read_text(errors="replace") for path in files.values()] + [erp_url]
    return {int(port) for text in texts for port in LOCAL_URL.findall(text)}
