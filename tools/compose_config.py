"""`make compose-config`: the merchant's configuration as the compose stack sees it.

`config/*.yaml` sends the hub to the simulated partners on 127.0.0.1 (the local stack);
inside compose each partner is a service of its own, reached by its name. This writes
the same files with each partner's address replaced by its compose service, into
`deploy/compose/config/`, mounted at /etc/crossdock (the image's mapping files stay).
A test fails when the written files are stale.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("channels.yaml", "locations.yaml", "fulfillers.yaml", "accounts.yaml")
# The simulated partners' ports (deploy/local/stack.py) and their compose services.
PARTNERS = {
    9101: "tpl-east",
    9102: "tpl-west",
    9201: "storefront-api",
    9301: "accounting-api",
    9401: "marketplace",
    9501: "pos",
    9601: "erp",
}
LOCAL = re.compile(r"http://(?:127\.0\.0\.1|localhost):(\d+)")


def for_compose(text: str) -> str:
    def partner(match: re.Match[str]) -> str:
        port = int(match.group(1))
        if port not in PARTNERS:
            raise ValueError(f"no compose service for a partner on port {port}")
        return f"http://{PARTNERS[port]}:{port}"

    header = "# Written by `make compose-config` from config/: edit those, not this.\n"
    return header + LOCAL.sub(partner, text)


def written() -> dict[str, str]:
    return {name: for_compose((ROOT / "config" / name).read_text()) for name in FILES}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in written().items():
        (out / name).write_text(text)
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "deploy/compose/config"))
