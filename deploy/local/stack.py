"""The embedded local stack: Apache Kafka (KRaft, from Maven Central jars) and PostgreSQL
(Debian's package), plus Crossdock's services, as plain processes on 127.0.0.1.

    python deploy/local/stack.py up [--infra-only]   start what is not running yet
    python deploy/local/stack.py down                stop exactly what `up` started (by pid)
    python deploy/local/stack.py reset               down, then delete the stack's data
    python deploy/local/stack.py env                 print the connection settings

Everything lives in one state folder (default `.local/stack`): data, logs, pid files and
generated local secrets. Readiness is polled with a time limit; nothing sleeps blindly.
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from deploy.local import kafka, postgres  # noqa: E402
from deploy.local.merchant_config import config_files, local_ports  # noqa: E402
from deploy.local.procs import Procs, require_free  # noqa: E402

SERVICES = {
    "storefront-gateway": ("services.storefront_gateway.app", 8000),
    "order-router": ("services.order_router.app", 8001),
    "inventory-ledger": ("services.inventory_ledger.app", 8002),
    "shipping-bridge": ("services.shipping_bridge.app", 8003),
    "accounting-poster": ("services.accounting_poster.app", 8004),
}
SECRET_NAMES = (
    "CROSSDOCK_ADMIN_TOKEN",
    "CROSSDOCK_OPERATOR_TOKEN",
    "CROSSDOCK_ORDER_ID_KEY",
    "CROSSDOCK_SECRET_SHOPIFY_DEMO",
    "CROSSDOCK_SECRET_WOO_DEMO",
    "CROSSDOCK_TPL_EAST_API_KEY",
    "CROSSDOCK_TPL_EAST_INBOUND_KEY",
    "CROSSDOCK_TPL_WEST_API_KEY",
    "CROSSDOCK_TPL_WEST_INBOUND_KEY",
    "CROSSDOCK_SHOPIFY_DEMO_TOKEN",
    "CROSSDOCK_WOO_DEMO_KEY",
    "CROSSDOCK_WOO_DEMO_SECRET",
    "CROSSDOCK_QBO_TOKEN",
    "CROSSDOCK_XERO_TOKEN",
    "CROSSDOCK_SECRET_MARKET_DEMO",
    "CROSSDOCK_MARKET_DEMO_TOKEN",
    "CROSSDOCK_SECRET_POS_DEMO",
    "CROSSDOCK_POS_DEMO_TOKEN",
    "CROSSDOCK_ERP_TOKEN",
    "CROSSDOCK_SECRET_SOCIAL_DEMO",
)
# The marketplace and point-of-sale simulators, on the ports config/channels.yaml gives them.
MARKETPLACE_PORT = 9401
POS_PORT = 9501
ERP_PORT = 9601  # the ERP/PIM simulator: products, prices, customers
BOOKS_PORT = 9301  # the accounting simulator, as config/accounts.yaml's exports expect it
STORE_PORT = 9201  # the storefront API simulator, as config/channels.yaml expects it
# The local hub's 3PL simulators, on the ports config/fulfillers.yaml gives them.
SIMULATED_3PLS = {"tpl-east": (9101, "TPL_EAST"), "tpl-west": (9102, "TPL_WEST")}


class Stack:
    def __init__(self, state: Path, kafka_port: int, pg_port: int, port_offset: int) -> None:
        self.state = state
        self.procs = Procs(state / "pids", state / "logs")
        self.kafka = kafka.Kafka(state / "kafka", kafka_port, self.procs)
        self.pg = postgres.Postgres(state / "postgres", pg_port, self.procs)
        self.port_offset = port_offset

    def env(self) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap,
            "DATABASE_URL": self.pg.url,
            **self.secrets(),
        }

    def secrets(self) -> dict[str, str]:
        """Local-only secrets, generated once per state folder (never committed)."""
        path = self.state / "secrets.env"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        known = {k: v for k, v in pairs}
        missing = [n for n in SECRET_NAMES if n not in known]
        if missing:  # new secrets arrive with new features; old ones are kept
            with path.open("a") as file:
                for name in missing:
                    known[name] = secrets.token_urlsafe(24)
                    file.write(f"{name}={known[name]}\n")
        # WooCommerce's REST credential is the key and secret together.
        known["CROSSDOCK_WOO_DEMO_API"] = (
            f"{known['CROSSDOCK_WOO_DEMO_KEY']}:{known['CROSSDOCK_WOO_DEMO_SECRET']}"
        )
        return known

    def up(self, infra_only: bool) -> None:
        self.kafka.start()
        self.pg.start()
        from tools.provisioning import ensure_topics

        created = asyncio.run(ensure_topics(self.kafka.bootstrap))
        print(f"topics ready ({len(created)} created)")
        if not infra_only:
            wanted = local_ports(self.files, self.erp_url)
            if STORE_PORT in wanted:
                self.start_store()
            if BOOKS_PORT in wanted:
                self.start_books()
            self.start_selling_channels(wanted)
            for name, (port, _) in SIMULATED_3PLS.items():
                if port in wanted:
                    self.start_simulated_3pl(name)
            for name in SERVICES:
                self.start_service(name)
            for name in SERVICES:
                self.wait_ready(name)

    def start_store(self) -> None:
        if not self.procs.alive("storefront-api"):
            require_free(STORE_PORT, "storefront-api")
        known = self.secrets()
        self.procs.spawn(
            "storefront-api",
            [sys.executable, "-m", "simulators.storefront_api", "--port", str(STORE_PORT)],
            env={
                **os.environ,
                "SHOPIFY_TOKEN": known["CROSSDOCK_SHOPIFY_DEMO_TOKEN"],
                "WOO_KEY": known["CROSSDOCK_WOO_DEMO_KEY"],
                "WOO_SECRET": known["CROSSDOCK_WOO_DEMO_SECRET"],
            },
            cwd=ROOT,
        )

    @property
    def files(self) -> dict[str, Path]:
        """The merchant's configuration files where named, the repository's otherwise."""
        return config_files(os.environ)

    @property
    def erp_url(self) -> str:
        return os.environ.get("CROSSDOCK_ERP_URL") or f"http://127.0.0.1:{ERP_PORT}"

    def start_selling_channels(self, wanted: set[int]) -> None:
        """The marketplace and the point of sale post their sales to the gateway; the ERP
        answers the gateway's polls — each where the configuration refers to it."""
        known = self.secrets()
        gateway = f"http://127.0.0.1:{self.service_port('storefront-gateway')}"
        for name, port, args, env in (
            (
                "marketplace",
                MARKETPLACE_PORT,
                ["--seller", "SELLER-CROSSDOCK"],
                {
                    "MARKETPLACE_TOKEN": known["CROSSDOCK_MARKET_DEMO_TOKEN"],
                    "MARKETPLACE_WEBHOOK_SECRET": known["CROSSDOCK_SECRET_MARKET_DEMO"],
                },
            ),
            ("erp", ERP_PORT, [], {"ERP_TOKEN": known["CROSSDOCK_ERP_TOKEN"]}),
            (
                "pos",
                POS_PORT,
                ["--account", "POS-SOHO", "--outlet", "soho"],
                {
                    "POS_TOKEN": known["CROSSDOCK_POS_DEMO_TOKEN"],
                    "POS_WEBHOOK_SECRET": known["CROSSDOCK_SECRET_POS_DEMO"],
                },
            ),
        ):
            if port not in wanted:
                continue
            if not self.procs.alive(name):
                require_free(port, name)
            command = [sys.executable, "-m", f"simulators.{name}", "--port", str(port)]
            hub = ["--hub-url", gateway] if name != "erp" else []
            self.procs.spawn(
                name,
                [*command, *hub, *args],
                env={**os.environ, **env},
                cwd=ROOT,
            )

    def start_books(self) -> None:

        import yaml

        if not self.procs.alive("accounting-api"):
            require_free(BOOKS_PORT, "accounting-api")
        chart = yaml.safe_load(self.files["CROSSDOCK_CHART_FILE"].read_text())
        company = {e["kind"]: e["company"] for e in chart["exports"]}
        known = self.secrets()
        self.procs.spawn(
            "accounting-api",
            [sys.executable, "-m", "simulators.accounting", "--port", str(BOOKS_PORT)],
            env={
                **os.environ,
                "QBO_TOKEN": known["CROSSDOCK_QBO_TOKEN"],
                "QBO_REALM": company["quickbooks"],
                "XERO_TOKEN": known["CROSSDOCK_XERO_TOKEN"],
                "XERO_TENANT": company["xero"],
                "ACCOUNTS": ",".join(a["code"] for a in chart["accounts"]),
            },
            cwd=ROOT,
        )

    def start_simulated_3pl(self, name: str) -> None:
        port, key = SIMULATED_3PLS[name]
        if not self.procs.alive(name):
            require_free(port, name)
        secrets_ = self.secrets()
        self.procs.spawn(
            name,
            [
                sys.executable,
                "-m",
                "simulators.tpl",
                "--port",
                str(port),
                "--bridge-url",
                f"http://127.0.0.1:{self.service_port('shipping-bridge')}",
            ],
            env={
                **os.environ,
                "TPL_API_KEY": secrets_[f"CROSSDOCK_{key}_API_KEY"],
                "TPL_BRIDGE_KEY": secrets_[f"CROSSDOCK_{key}_INBOUND_KEY"],
            },
            cwd=ROOT,
        )

    def console_urls(self) -> str:
        """Where the ops console (served by the gateway) reaches each service."""
        urls = {name: f"http://127.0.0.1:{self.service_port(name)}" for name in SERVICES}
        return json.dumps(urls)

    def service_port(self, name: str) -> int:
        return SERVICES[name][1] + self.port_offset

    def start_service(self, name: str) -> None:
        module, _ = SERVICES[name]
        port = self.service_port(name)
        if not self.procs.alive(name):
            require_free(port, name)
        env = {
            **os.environ,
            **self.env(),
            "CROSSDOCK_HTTP_PORT": str(port),
            **{setting: str(path) for setting, path in self.files.items()},
            "CROSSDOCK_ERP_URL": self.erp_url,
            "CROSSDOCK_CONSOLE_URLS": self.console_urls(),
        }

        self.procs.spawn(
            name,
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{module}:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
        )

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        import httpx

        url = f"http://127.0.0.1:{self.service_port(name)}/health/ready"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.procs.alive(name):
                raise SystemExit(f"{name} exited; see {self.procs.log(name)}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    print(f"{name} ready on :{self.service_port(name)}")
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{name} not ready after {timeout}s; see {self.procs.log(name)}")

    def down(self) -> None:
        for name in reversed(SERVICES):
            self.procs.stop(name)
        for name in (
            *SIMULATED_3PLS,
            "storefront-api",
            "accounting-api",
            "marketplace",
            "pos",
            "erp",
        ):
            self.procs.stop(name)

        self.pg.stop()
        self.kafka.stop()

    def reset(self) -> None:
        """Down, then forget everything: Kafka logs, databases, secrets."""
        self.down()
        self.pg.remove()
        shutil.rmtree(self.state, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["up", "down", "reset", "env"])
    parser.add_argument("--infra-only", action="store_true", help="Kafka and PostgreSQL only")
    parser.add_argument(
        "--state", default=os.environ.get("CROSSDOCK_STATE_DIR", str(ROOT / ".local" / "stack"))
    )
    parser.add_argument(
        "--kafka-port", type=int, default=int(os.environ.get("CROSSDOCK_KAFKA_PORT", 19092))
    )
    parser.add_argument(
        "--pg-port", type=int, default=int(os.environ.get("CROSSDOCK_PG_PORT", 15432))
    )
    parser.add_argument(
        "--port-offset", type=int, default=int(os.environ.get("CROSSDOCK_PORT_OFFSET", 0))
    )
    args = parser.parse_args()
    stack = Stack(Path(args.state).resolve(), args.kafka_port, args.pg_port, args.port_offset)
    if args.command == "up":
        stack.up(args.infra_only)
    elif args.command == "down":
        stack.down()
    elif args.command == "reset":
        stack.reset()
    else:
        for key, value in stack.env().items():
            print(f"export {key}={value}")


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
