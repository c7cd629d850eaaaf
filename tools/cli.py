"""`crossdock`: the operator's command line, a thin client of the services' HTTP APIs.

    crossdock reconcile [stock|orders] [--channel ID ...] [--since ISO-TIME] [--dry-run]
    crossdock mapping test CHANNEL PAYLOAD.json ... [--mapping FILE] [--topic T]
    crossdock quarantine list | show --id ID | replay (--id ID ... | --reason R | --all)
    crossdock dead-letters SERVICE list | show --offset N
    crossdock dead-letters SERVICE replay (--offset N ... | --reason R | --all)
    crossdock xref load FILE.csv

Every command takes `--json` (the services' answers as JSON on standard output, nothing
else there); progress and spinners go to standard error. Exit codes: 0 all well; 1 it
found something wrong (differences, quarantined or parked messages, a payload that does
not map, a replay that did not take); 2 a usage error; 3 the hub refused the call or
could not be reached.

Tokens are read from CROSSDOCK_OPERATOR_TOKEN (reads) and CROSSDOCK_ADMIN_TOKEN
(writes, and reads when no operator token is set) — never from the command line, where
`ps` would show them; the gateway from CROSSDOCK_GATEWAY_URL, another service from
CROSSDOCK_<SERVICE>_URL (e.g. CROSSDOCK_ORDER_ROUTER_URL).
"""

from tools.cli_app import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
