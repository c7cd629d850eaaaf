"""`crossdock`: the operator's command line, a thin client of the services' HTTP APIs.

    crossdock reconcile [stock] [--channel ID ...] [--dry-run] [--json]
    crossdock reconcile orders [--channel ID ...] [--since ISO-TIME] [--dry-run]
    crossdock mapping test CONNECTOR PAYLOAD.json ... [--mapping FILE] [--topic T]
    crossdock quarantine list | show ID | replay (--id ID ... | --reason R | --all)
    crossdock dead-letters SERVICE list | show --offset N
    crossdock dead-letters SERVICE replay (--offset N ... | --reason R | --all)

`reconcile` compares each channel's stock with the ledger and, unless `--dry-run`,
heals it; `reconcile orders` reads each Shopify and WooCommerce channel's recent orders
back and takes in those its webhooks never delivered (exit 1: some were missing).
`mapping test` dry-runs a connector's mapping (or a new version of it) against sample
payloads and prints the canonical events or exactly which field failed and why.
`quarantine` lists what could not be mapped (grouped by reason), shows one, and replays
them through the current mapping. Each exits 1 when it found something wrong, so scripts
can act on it. `dead-letters` does the same for the messages a service's consumers gave
up on (its dead-letter topic), replaying them through the consumer that parked them.
Tokens are read from CROSSDOCK_OPERATOR_TOKEN (reads) and CROSSDOCK_ADMIN_TOKEN
(writes, and reads when no operator token is set) — never from the command line, where
`ps` would show them; the gateway from CROSSDOCK_GATEWAY_URL, another
service from CROSSDOCK_<SERVICE>_URL (e.g. CROSSDOCK_ORDER_ROUTER_URL).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

DEFAULT_GATEWAY = "http://127.0.0.1:8000"
DEFAULT_PORTS = {
    "storefront-gateway": 8000,
    "order-router": 8001,
    "inventory-ledger": 8002,
    "shipping-bridge": 8003,
    "accounting-poster": 8004,
}


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(self, method: str, path: str, admin: bool = False, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"Bearer {_token(admin)}"
        response = httpx.request(method, self.url + path, headers=headers, timeout=300, **kwargs)
        if response.status_code >= 400:
            print(f"{method} {path}: {response.status_code} {response.text}", file=sys.stderr)
            raise SystemExit(2)
        return response


def _token(admin: bool) -> str:
    """Reads take the operator's read-only token where one is set; writes need admin."""
    token = None if admin else os.environ.get("CROSSDOCK_OPERATOR_TOKEN")
    token = token or os.environ.get("CROSSDOCK_ADMIN_TOKEN")
    if not token:
        raise SystemExit("set CROSSDOCK_OPERATOR_TOKEN (reads) or CROSSDOCK_ADMIN_TOKEN")
    return token


def _reconcile(gateway: Gateway, args: argparse.Namespace) -> int:
    params = httpx.QueryParams(
        [("channel", c) for c in args.channel or []]
        + [("dry_run", str(args.dry_run).lower()), ("format", "json" if args.json else "table")]
    )
    response = gateway.call("POST", "/reconcile", admin=True, params=params)
    if args.json:
        reports = response.json()["reports"]
        print(json.dumps(reports, indent=2))
        return 1 if any(r["differences"] for r in reports) else 0
    print(response.text, end="")
    return 1 if int(response.headers.get("x-crossdock-differences", "0")) else 0


def _reconcile_orders(gateway: Gateway, args: argparse.Namespace) -> int:
    params = httpx.QueryParams(
        [("channel", c) for c in args.channel or []]
        + [("dry_run", str(args.dry_run).lower())]
        + ([("since", args.since)] if args.since else [])
    )
    reports = gateway.call("POST", "/orders/reconcile", admin=True, params=params).json()
    print(json.dumps(reports["channels"], indent=2))
    return 1 if any(r["webhooks_silent"] for r in reports["channels"]) else 0


def _mapping_test(gateway: Gateway, args: argparse.Namespace) -> int:
    payloads = [json.loads(Path(p).read_text(encoding="utf-8-sig")) for p in args.payloads]
    body: dict[str, Any] = {"payloads": payloads, "topic": args.topic}
    if args.mapping:
        body["mapping"] = Path(args.mapping).read_text()
    run = gateway.call("POST", f"/mappings/{args.connector}/test", json=body).json()
    for path, result in zip(args.payloads, run["results"], strict=True):
        if "error" in result:
            print(f"{path}: FAILED {result['error']}")
        elif "ignored" in result:
            print(f"{path}: ignored ({result['ignored']})")
        else:
            print(f"{path}: OK\n{json.dumps(result['event'], indent=2, ensure_ascii=False)}")
    print(f"{run['payloads'] - run['failed']} of {run['payloads']} payloads map")
    return 1 if run["failed"] else 0


def _quarantine(gateway: Gateway, args: argparse.Namespace) -> int:
    if args.action == "list":
        found = gateway.call("GET", "/quarantine").json()
        for group in found["by_reason"]:
            print(
                f"{group['reason']} — {group['count']} deliveries ({', '.join(group['channels'])})"
            )
        for group in found["lines_by_reason"]:
            print(f"{group['reason']} — {group['count']} lines")
        return 1 if found["by_reason"] else 0
    if args.action == "show":
        print(json.dumps(gateway.call("GET", f"/quarantine/{args.id[0]}").json(), indent=2))
        return 0
    choice: dict[str, Any] = (
        {"ids": args.id} if args.id else {"reason": args.reason} if args.reason else {"all": True}
    )
    done = gateway.call("POST", "/quarantine/replay", admin=True, json=choice).json()
    for result in done["results"]:
        print(f"delivery {result['delivery_id']}: {result['status']} {result['reason'] or ''}")
    print(f"replayed {done['replayed']}, accepted {done['accepted']}")
    return 0 if done["accepted"] == done["replayed"] else 1


def _dead_letters(args: argparse.Namespace) -> int:
    variable = f"CROSSDOCK_{args.service.upper().replace('-', '_')}_URL"
    service = Gateway(os.environ.get(variable, f"http://127.0.0.1:{DEFAULT_PORTS[args.service]}"))
    if args.action == "list":
        found = service.call("GET", "/dead-letters").json()
        for group in found["by_reason"]:
            print(f"{group['reason']} — {group['count']} messages")
        return 1 if found["by_reason"] else 0
    if args.action == "show":
        if not args.offset:
            raise SystemExit("dead-letters show needs --offset")
        print(json.dumps(service.call("GET", f"/dead-letters/{args.offset[0]}").json(), indent=2))
        return 0
    if sum((bool(args.offset), bool(args.reason), args.all)) != 1:
        raise SystemExit("dead-letters replay needs exactly one of --offset, --reason, --all")
    choice: dict[str, Any] = (
        {"offsets": args.offset}
        if args.offset
        else {"reason": args.reason}
        if args.reason
        else {"all": True}
    )
    done = service.call("POST", "/dead-letters/replay", admin=True, json=choice).json()
    for result in done["results"]:
        print(f"offset {result['offset']} ({result['consumer']}): {result['outcome']}")
    print(f"replayed {done['replayed']} of {done['chosen']}")
    return 0 if done["replayed"] == done["chosen"] else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossdock", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--gateway", default=os.environ.get("CROSSDOCK_GATEWAY_URL", DEFAULT_GATEWAY)
    )
    commands = parser.add_subparsers(dest="command", required=True)
    reconcile = commands.add_parser(
        "reconcile", help="compare channels' stock with the ledger, or take in missed orders"
    )
    reconcile.add_argument("what", nargs="?", choices=["stock", "orders"], default="stock")
    reconcile.add_argument("--since", help="orders: changed since then (default: last pass)")
    reconcile.add_argument("--channel", action="append", help="a channel id (default: all)")
    reconcile.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    reconcile.add_argument("--json", action="store_true", help="JSON instead of a table")
    mapping = commands.add_parser("mapping", help="dry-run a mapping against sample payloads")
    mapping.add_argument("action", choices=["test"])
    mapping.add_argument("connector", help="the channel id")
    mapping.add_argument("payloads", nargs="+", help="JSON payload files")
    mapping.add_argument("--mapping", help="a new version of the mapping file to try")
    mapping.add_argument("--topic", help="Shopify/WooCommerce topic of the payloads")
    quarantine = commands.add_parser("quarantine", help="what could not be mapped")
    quarantine.add_argument("action", choices=["list", "show", "replay"])
    quarantine.add_argument("--id", action="append", help="a delivery id (as listed)")
    quarantine.add_argument("--reason", help="replay every delivery with this reason")
    quarantine.add_argument("--all", action="store_true", help="replay everything quarantined")
    letters = commands.add_parser("dead-letters", help="what a service's consumers gave up on")
    letters.add_argument("service", choices=sorted(DEFAULT_PORTS))
    letters.add_argument("action", choices=["list", "show", "replay"])
    letters.add_argument("--offset", type=int, action="append", help="a dead letter's offset")
    letters.add_argument("--reason", help="replay every letter with this reason")
    letters.add_argument("--all", action="store_true", help="replay every letter not yet replayed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    gateway = Gateway(args.gateway)
    if args.command == "reconcile":
        return (_reconcile_orders if args.what == "orders" else _reconcile)(gateway, args)
    if args.command == "mapping":
        return _mapping_test(gateway, args)
    if args.command == "dead-letters":
        return _dead_letters(args)
    if args.action == "show" and not args.id:
        raise SystemExit("quarantine show needs --id")
    if args.action == "replay" and sum((bool(args.id), bool(args.reason), args.all)) != 1:
        raise SystemExit("quarantine replay needs exactly one of --id, --reason, --all")
    return _quarantine(gateway, args)


if __name__ == "__main__":
    sys.exit(main())
