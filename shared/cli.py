"""`crossdock`: the operator's command line, a thin client of the services' HTTP APIs.

    crossdock reconcile [--channel ID ...] [--dry-run] [--json]

Reads each channel's stock through its API, compares it with the ledger and, unless
`--dry-run`, heals the differences. Exits 1 when differences were found, so a cron job
or a go-live checklist can act on it. The admin token is read from
CROSSDOCK_ADMIN_TOKEN (never from the command line, where `ps` would show it).
"""

import argparse
import json
import os
import sys

import httpx

DEFAULT_GATEWAY = "http://127.0.0.1:8000"


def _reconcile(args: argparse.Namespace) -> int:
    token = os.environ.get("CROSSDOCK_ADMIN_TOKEN")
    if not token:
        print("set CROSSDOCK_ADMIN_TOKEN to the hub's admin token", file=sys.stderr)
        return 2
    params = httpx.QueryParams(
        [("channel", c) for c in args.channel or []]
        + [("dry_run", str(args.dry_run).lower()), ("format", "json" if args.json else "table")]
    )
    response = httpx.post(
        f"{args.gateway.rstrip('/')}/reconcile",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )
    if response.status_code != 200:
        print(f"reconcile failed: {response.status_code} {response.text}", file=sys.stderr)
        return 2
    if args.json:
        reports = response.json()["reports"]
        print(json.dumps(reports, indent=2))
        return 1 if any(r["differences"] for r in reports) else 0
    print(response.text, end="")
    return 1 if int(response.headers.get("x-crossdock-differences", "0")) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crossdock", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    reconcile = commands.add_parser("reconcile", help="compare channels' stock with the ledger")
    reconcile.add_argument("--channel", action="append", help="a channel id (default: all)")
    reconcile.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    reconcile.add_argument("--json", action="store_true", help="JSON instead of a table")
    reconcile.add_argument(
        "--gateway",
        default=os.environ.get("CROSSDOCK_GATEWAY_URL", DEFAULT_GATEWAY),
        help="storefront-gateway base URL (CROSSDOCK_GATEWAY_URL)",
    )
    args = parser.parse_args(argv)
    return _reconcile(args)


if __name__ == "__main__":
    sys.exit(main())
