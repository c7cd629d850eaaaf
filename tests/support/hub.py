"""A private Crossdock hub for end-to-end tests: the real services as processes.

Each hub gets its own topic prefix, its own database and its own HTTP ports on the
shared Kafka and PostgreSQL, so hubs never see each other's events or rows.
"""

import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import httpx
import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.storefront_gateway.domain import keyed_order_id
from shared.topics import ALL_TOPICS
from simulators.storefronts import SignedWebhook
from tests.support import hub_files
from tests.support.hub_files import EDI_PARTNER, FULFILLERS, MARKET_SELLER, POS_ACCOUNT, env_name
from tests.support.infra import Infra, create_database
from tools.provisioning import ensure_topics

SHIPSTATION_STORE = "7001"  # the ShipStation storeId of shopify-test's own integration
ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "storefront-gateway": "services.storefront_gateway.app",
    "order-router": "services.order_router.app",
    "inventory-ledger": "services.inventory_ledger.app",
    "shipping-bridge": "services.shipping_bridge.app",
    "accounting-poster": "services.accounting_poster.app",
}


SETTLED = {
    "backordered",
    "reserved",
    "rejected",
    "sent_to_fulfilment",
    "fulfilment_failed",
    "partially_shipped",
    "shipped",
    "delivered",
}

# Every port free_port gave this process: a hub of twenty servers drawing from a few
# thousand ports would otherwise hand one port out twice about once in thirty hubs.
_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free port below Linux's ephemeral range (32768-60999): a port the kernel hands
    out can be taken by an outgoing connection before the server that was meant to
    listen on it starts (seen when hub after hub starts on one machine). Suites that run
    side by side (`make test` and `make chaos`) draw from their own halves of the range
    (CROSSDOCK_TEST_PORTS), or one's check-then-bind can lose a port to the other."""
    low, high = (int(n) for n in os.environ.get("CROSSDOCK_TEST_PORTS", "20000-26000").split("-"))
    while True:
        port = random.randrange(low, high)
        if port in _HANDED_OUT:
            continue  # free now, but another server of this run was told to listen there
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _HANDED_OUT.add(port)
            return port


@dataclass
class Hub:
    infra: Infra
    workdir: Path
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}.")
    database_url: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    shop: str = field(default_factory=lambda: f"shop-{uuid.uuid4().hex[:6]}.myshopify.com")
    woo: str = field(default_factory=lambda: f"https://woo-{uuid.uuid4().hex[:6]}.crossdock.test")
    shopify_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    woo_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    operator_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    order_id_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    store_keys: dict[str, str] = field(
        default_factory=lambda: {
            k: secrets.token_urlsafe(16)
            for k in (
                "shopify",
                "woo_key",
                "woo_secret",
                "qbo",
                "xero",
                "xero_client_secret",
                "xero_refresh",
                "shipstation_key",
                "shipstation_secret",
                "shipstation_token",
                "easypost",
                "market_token",
                "market_secret",
                "pos_token",
                "pos_secret",
                "erp",
                "social_secret",
                "bc_header",
                "bc_token",
                "sftp",
                "edi_hub",
                "edi_partner",
            )
        }
    )
    # Settings that replace the test cadence (None: the service's own default), as the
    # bench runs the hub at production cadence.
    overrides: dict[str, str | None] = field(default_factory=dict)
    tpl_keys: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            f: (secrets.token_urlsafe(16), secrets.token_urlsafe(16)) for f in FULFILLERS
        }
    )

    async def provision(self) -> None:
        self.database_url = await create_database(self.infra.database_url)
        await ensure_topics(self.infra.kafka, self.prefix)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ports["storefront-api"] = free_port()
        self.ports["accounting-api"] = free_port()
        self.ports["shipstation-api"] = free_port()
        for name in (
            "storefront-gateway",
            "marketplace",
            "pos",
            "erp",
            "sftp",
            "edi_partner",
            "mailbox",
            "mailbox-smtp",
        ):
            self.ports[name] = free_port()
        for name in ("shipping-bridge", *FULFILLERS):
            self.ports[name] = free_port()
        hub_files.write_all(self, self._sftp_host_key())

    def _sftp_host_key(self) -> Path:
        """The SFTP simulator's host key, and a known_hosts file that pins it."""
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(self.workdir / "sftp_host_key"))
        known_hosts = self.workdir / "sftp_known_hosts"
        public = key.export_public_key().decode().split()
        known_hosts.write_text(f"[127.0.0.1]:{self.ports['sftp']} {public[0]} {public[1]}\n")
        return known_hosts

    def env(
        self, service: str, extra: dict[str, str] | None = None, port: int | None = None
    ) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka,
            "DATABASE_URL": self.database_url,
            "CROSSDOCK_TOPIC_PREFIX": self.prefix,
            "CROSSDOCK_HTTP_PORT": str(port or self.ports[service]),
            "CROSSDOCK_CHANNELS_FILE": str(self.workdir / "channels.yaml"),
            "CROSSDOCK_LOCATIONS_FILE": str(self.workdir / "locations.yaml"),
            "CROSSDOCK_FULFILLERS_FILE": str(self.workdir / "fulfillers.yaml"),
            "CROSSDOCK_FEEDS_FILE": str(self.workdir / "feeds.yaml"),
            "TEST_SFTP_PASSWORD": self.store_keys["sftp"],
            "CROSSDOCK_SEND_BACKOFF_SECONDS": "0.1",
            "CROSSDOCK_SHIPMENT_QUIET_SECONDS": "3",
            **{f"{env_name(f)}_API": k[0] for f, k in self.tpl_keys.items()},
            **{f"{env_name(f)}_INBOUND": k[1] for f, k in self.tpl_keys.items()},
            "CROSSDOCK_CONSUMER_BACKOFF_SECONDS": "0.05",
            "CROSSDOCK_ADMIN_TOKEN": self.admin_token,
            "CROSSDOCK_OPERATOR_TOKEN": self.operator_token,
            "CROSSDOCK_ORDER_ID_KEY": self.order_id_key,
            "CROSSDOCK_CONSOLE_URLS": self.console_urls(),
            "CROSSDOCK_TOKENS_FILE": str(self.workdir / "tokens.yaml"),
            "TEST_SHOPIFY_SECRET": self.shopify_secret,
            "TEST_SHOPIFY_TOKEN": self.store_keys["shopify"],
            "TEST_QBO_TOKEN": self.store_keys["qbo"],
            "TEST_XERO_TOKEN": self.store_keys["xero"],
            "TEST_XERO_CLIENT_ID": "crossdock-test-app",
            "TEST_XERO_CLIENT_SECRET": self.store_keys["xero_client_secret"],
            "TEST_XERO_REFRESH": self.store_keys["xero_refresh"],
            "CROSSDOCK_CHART_FILE": str(self.workdir / "accounts.yaml"),
            "CROSSDOCK_SHIPSTATION_API_URL": self.url("shipstation-api", ""),
            "CROSSDOCK_SHIPSTATION_API_KEY": self.store_keys["shipstation_key"],
            "CROSSDOCK_SHIPSTATION_API_SECRET": self.store_keys["shipstation_secret"],
            "CROSSDOCK_SHIPSTATION_FULFILLER": "tpl-b",
            "CROSSDOCK_SHIPSTATION_WEBHOOK_TOKEN": self.store_keys["shipstation_token"],
            # The store's own ShipStation integration imports shopify-test's orders.
            "CROSSDOCK_SHIPSTATION_STORES": json.dumps({SHIPSTATION_STORE: "shopify-test"}),
            "CROSSDOCK_EASYPOST_WEBHOOK_SECRET": self.store_keys["easypost"],
            "TEST_WOO_API": f"{self.store_keys['woo_key']}:{self.store_keys['woo_secret']}",
            "TEST_WOO_SECRET": self.woo_secret,
            "TEST_MARKET_SECRET": self.store_keys["market_secret"],
            "TEST_MARKET_TOKEN": self.store_keys["market_token"],
            "TEST_POS_SECRET": self.store_keys["pos_secret"],
            "TEST_POS_TOKEN": self.store_keys["pos_token"],
            "TEST_SOCIAL_SECRET": self.store_keys["social_secret"],
            "TEST_BC_HEADER": self.store_keys["bc_header"],
            "TEST_BC_TOKEN": self.store_keys["bc_token"],
            "TEST_EDI_HUB": self.store_keys["edi_hub"],
            "TEST_EDI_PARTNER": self.store_keys["edi_partner"],
            "CROSSDOCK_RECONCILE_INTERVAL_SECONDS": "0",
            "CROSSDOCK_ERP_URL": self.url("erp", ""),
            "CROSSDOCK_ERP_TOKEN": self.store_keys["erp"],
            "CROSSDOCK_ERP_POLL_SECONDS": "1",
            "CROSSDOCK_ORDER_RECONCILE_SECONDS": "0",
            "CROSSDOCK_SMTP_HOST": "127.0.0.1",
            "CROSSDOCK_SMTP_PORT": str(self.ports["mailbox-smtp"]),
            "CROSSDOCK_MAIL_FROM": "Social Shop <orders@social.test>",
            **(extra or {}),
        }

    def start(
        self, service: str, extra_env: dict[str, str] | None = None, instance: str | None = None
    ) -> None:
        """Start a service; `instance` names another replica of it (its own port and log,
        the same consumer groups), as a second pod of a deployment would be."""
        name = instance or service
        self.ports.setdefault(name, free_port())
        log = open(self.workdir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{SERVICES[service]}:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports[name]),
                "--no-access-log",
            ],
            env=self.overridden(self.env(service, extra_env, self.ports[name])),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def console_urls(self) -> str:
        """Each service's port, fixed before the first starts: the gateway's console
        reaches the others there."""
        ports = {name: self.ports.setdefault(name, free_port()) for name in SERVICES}
        return json.dumps({name: f"http://127.0.0.1:{port}" for name, port in ports.items()})

    def overridden(self, env: dict[str, str]) -> dict[str, str]:
        for name, value in self.overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    async def wait_ready(self, service: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.procs[service].poll() is not None:
                    raise RuntimeError(f"{service} exited: {self.log_tail(service)}")
                try:
                    if (await client.get(self.url(service, "/health/ready"))).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{service} not ready: {self.log_tail(service)}")

    def start_tpl(self, fulfiller: str) -> None:
        """A 3PL simulator, as its own process, calling this hub's shipping-bridge back."""
        api_key, inbound_key = self.tpl_keys[fulfiller]
        log = open(self.workdir / f"{fulfiller}.log", "ab")
        self.procs[fulfiller] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulators.tpl",
                "--port",
                str(self.ports[fulfiller]),
                "--bridge-url",
                self.url("shipping-bridge", ""),
            ],
            env={**os.environ, "TPL_API_KEY": api_key, "TPL_BRIDGE_KEY": inbound_key},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_store(self) -> None:
        """The storefront API simulator, where the gateway sends status and tracking."""
        log = open(self.workdir / "storefront-api.log", "ab")
        self.procs["storefront-api"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulators.storefront_api",
                "--port",
                str(self.ports["storefront-api"]),
            ],
            env={
                **os.environ,
                "SHOPIFY_TOKEN": self.store_keys["shopify"],
                "WOO_KEY": self.store_keys["woo_key"],
                "WOO_SECRET": self.store_keys["woo_secret"],
                "BIGCOMMERCE_TOKEN": self.store_keys["bc_token"],
            },
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_books(self) -> None:
        """The accounting simulator (QuickBooks- and Xero-style) the journal is exported to."""
        chart = yaml.safe_load((self.workdir / "accounts.yaml").read_text())
        log = open(self.workdir / "accounting-api.log", "ab")
        self.procs["accounting-api"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulators.accounting",
                "--port",
                str(self.ports["accounting-api"]),
            ],
            env={
                **os.environ,
                "QBO_TOKEN": self.store_keys["qbo"],
                "QBO_REALM": "4620816365",
                "XERO_TOKEN": self.store_keys["xero"],
                "XERO_TENANT": "tenant-test",
                "ACCOUNTS": ",".join(a["code"] for a in chart["accounts"]),
                "OAUTH_CLIENT_ID": "crossdock-test-app",
                "OAUTH_CLIENT_SECRET": self.store_keys["xero_client_secret"],
                "OAUTH_REFRESH_TOKEN": self.store_keys["xero_refresh"],
            },
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    async def on_store(
        self, client: httpx.AsyncClient, platform: str, order: dict[str, Any]
    ) -> None:
        """Tell the storefront simulator the store has this order (as its webhook shows it)."""
        response = await client.post(self.url("storefront-api", f"/_orders/{platform}"), json=order)
        response.raise_for_status()

    async def store_received(self, client: httpx.AsyncClient) -> dict[str, Any]:
        return dict((await client.get(self.url("storefront-api", "/_received"))).json())

    def start_shipstation(self) -> None:
        log = open(self.workdir / "shipstation-api.log", "ab")
        self.procs["shipstation-api"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulators.shipping_platforms",
                "--port",
                str(self.ports["shipstation-api"]),
            ],
            env={
                **os.environ,
                "SHIPSTATION_KEY": self.store_keys["shipstation_key"],
                "SHIPSTATION_SECRET": self.store_keys["shipstation_secret"],
            },
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_channel_sims(self) -> None:
        """The marketplace and the point of sale (they sell, and post sales to the gateway),
        and the ERP the gateway reads products, prices and customers from."""
        gateway = self.url("storefront-gateway", "")
        k = self.store_keys
        for name, args, env in (
            (
                "marketplace",
                ["--seller", MARKET_SELLER],
                {
                    "MARKETPLACE_TOKEN": k["market_token"],
                    "MARKETPLACE_WEBHOOK_SECRET": k["market_secret"],
                },
            ),
            (
                "pos",
                ["--account", POS_ACCOUNT, "--outlet", "outlet-1"],
                {"POS_TOKEN": k["pos_token"], "POS_WEBHOOK_SECRET": k["pos_secret"]},
            ),
            ("erp", [], {"ERP_TOKEN": k["erp"]}),
            (
                "edi_partner",
                [
                    "--id",
                    EDI_PARTNER,
                    "--hub-id",
                    "CROSSDOCK",
                    "--hub-url",
                    f"{gateway}/edi/edi-test",
                ],
                {"PARTNER_TOKEN": k["edi_partner"], "HUB_TOKEN": k["edi_hub"]},
            ),
            (
                "sftp",
                [
                    "--root",
                    str(self.workdir / "sftp"),
                    "--user",
                    "legacy",
                    "--host-key",
                    str(self.workdir / "sftp_host_key"),
                ],
                {"SFTP_PASSWORD": k["sftp"]},
            ),
            ("mailbox", ["--smtp-port", str(self.ports["mailbox-smtp"])], {}),
        ):
            log = open(self.workdir / f"{name}.log", "ab")
            self.procs[name] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    f"simulators.{name}",
                    "--port",
                    str(self.ports[name]),
                    *(["--hub-url", gateway] if name in ("marketplace", "pos") else []),
                    *args,
                ],
                env={**os.environ, **env},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start_all(self) -> None:
        self.start_store()
        self.start_channel_sims()
        self.start_books()
        self.start_shipstation()
        for fulfiller in FULFILLERS:
            self.start_tpl(fulfiller)
        for service in SERVICES:
            self.start(service)
        for service in SERVICES:
            await self.wait_ready(service)
        await self.wait_tpl("storefront-api")
        await self.wait_tpl("accounting-api")
        await self.wait_tpl("shipstation-api")
        await self.wait_tpl("marketplace")
        await self.wait_tpl("pos")
        await self.wait_tpl("erp")
        await self.wait_port("sftp")
        await self.wait_tpl("edi_partner")
        await self.wait_tpl("mailbox")
        await self.wait_port("mailbox-smtp")

        async with httpx.AsyncClient() as client:
            for fulfiller in FULFILLERS:
                await self.wait_tpl(fulfiller)
                # Shipping only when a test asks for it keeps the other tests' stock still.
                await self.tpl(client, fulfiller, auto_ship=False)

    async def wait_port(self, name: str, timeout: float = 30) -> None:
        """A server that speaks no HTTP: ready when it accepts a connection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.ports[name])
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{name} not listening: {self.log_tail(name)}")

    async def wait_tpl(self, fulfiller: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.procs[fulfiller].poll() is not None:  # another took its port
                    raise RuntimeError(f"{fulfiller} exited: {self.log_tail(fulfiller)}")
                try:
                    await client.get(self.url(fulfiller, "/openapi.json"))
                    return
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
        raise TimeoutError(f"{fulfiller} simulator not answering: {self.log_tail(fulfiller)}")

    async def tpl(self, client: httpx.AsyncClient, fulfiller: str, **controls: Any) -> Any:
        """Set a 3PL simulator's behaviour (see simulators.tpl.Controls); returns them."""
        response = await client.post(self.url(fulfiller, "/_control"), json=controls)
        response.raise_for_status()
        return response.json()

    async def tpl_orders(self, client: httpx.AsyncClient, fulfiller: str) -> dict[str, Any]:
        return dict((await client.get(self.url(fulfiller, "/_orders"))).json())

    def stop(self, service: str) -> None:
        proc = self.procs.pop(service, None)
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self) -> None:
        for service in list(self.procs):
            self.stop(service)

    def log_tail(self, service: str, lines: int = 30) -> str:
        path = self.workdir / f"{service}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def order_id(self, channel: str, ref: str) -> str:
        """The Crossdock id of a channel's order, derived with this hub's key."""
        return str(keyed_order_id(self.order_id_key.encode(), channel, ref))

    @property
    def reader(self) -> dict[str, str]:
        """The headers of an operator's read-only calls."""
        return {"Authorization": f"Bearer {self.operator_token}"}

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    async def deliver(self, client: httpx.AsyncClient, hook: SignedWebhook) -> httpx.Response:
        return await client.post(
            self.url("storefront-gateway", hook.path), headers=hook.headers, content=hook.body
        )

    async def set_stock(
        self, client: httpx.AsyncClient, sku: str, location: str, on_hand: int
    ) -> None:
        response = await client.put(
            self.url("inventory-ledger", f"/stock/{sku}/{location}"),
            json={"on_hand": on_hand},
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        response.raise_for_status()

    async def stock(self, client: httpx.AsyncClient, sku: str) -> dict[str, Any]:
        response = await client.get(self.url("inventory-ledger", f"/stock/{sku}"))
        response.raise_for_status()
        return dict(response.json())

    async def order(self, client: httpx.AsyncClient, order_id: str) -> dict[str, Any] | None:
        try:
            response = await client.get(self.url("order-router", f"/orders/{order_id}"))
        except httpx.TransportError:  # a kept-alive connection the server just closed
            response = await client.get(self.url("order-router", f"/orders/{order_id}"))
        return dict(response.json()) if response.status_code == 200 else None

    async def settled_order(
        self, client: httpx.AsyncClient, order_id: str, timeout: float = 30
    ) -> dict[str, Any]:
        """The order once the ledger's verdict is recorded (reserved or rejected, or later)."""
        return await self.order_in(client, order_id, SETTLED, timeout)

    async def order_in(
        self, client: httpx.AsyncClient, order_id: str, statuses: set[str], timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        order = None
        while time.monotonic() < deadline:
            order = await self.order(client, order_id)
            if order and order["status"] in statuses:
                return order
            await asyncio.sleep(0.1)
        raise TimeoutError(f"order {order_id} not in {statuses}; last seen {order}")

    async def order_at_3pl(self, client: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
        """The order once every shipment reached its 3PL (a 3PL can only report those)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            order = await self.order(client, order_id)
            shipments = (order or {}).get("shipments") or []
            if shipments and all(s["status"] != "requested" for s in shipments):
                return dict(order or {})
            await asyncio.sleep(0.1)
        raise TimeoutError(f"shipments of {order_id} never reached their 3PL")

    async def records(self, topic: str, timeout: float = 5) -> list[Any]:
        """Every record on one of this hub's topics, from the beginning."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.infra.kafka, enable_auto_commit=False)
        await consumer.start()
        try:
            name = f"{self.prefix}{topic}"
            count = next(t.partitions for t in ALL_TOPICS if t.name == topic)
            partitions = [TopicPartition(name, p) for p in range(count)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            end = await consumer.end_offsets(partitions)
            found: list[Any] = []
            deadline = time.monotonic() + timeout
            while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"could not read {name} to its end")
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    found.extend(messages)
            return found
        finally:
            await consumer.stop()
