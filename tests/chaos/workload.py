"""A steady mixed workload against a hub, open loop: what a busy store does in a minute.

Shopify and WooCommerce orders over a pool of SKUs and one hot SKU with little stock,
concurrent duplicate deliveries and replays under fresh event ids, order edits (fewer
units, or a new address: they race the 3PLs' dispatches), cancellations, refunds, and
stock counts. Everything sent is recorded, so the invariants can compare
what the hub did with what it was asked.
"""

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from simulators.refund_payloads import shopify_refund
from simulators.storefronts import (
    Line,
    SignedWebhook,
    edited_shopify_order,
    shopify_order,
    signed_shopify,
    signed_woocommerce,
    woocommerce_order,
)
from tests.support.channels import list_everywhere
from tests.support.hub import FULFILLERS, Hub

EDITS_FROM = datetime(2026, 12, 1, 11, tzinfo=UTC)
HOT_UNITS = 20
POOL_UNITS = 200


@dataclass
class Sent:
    """What the workload asked of the hub."""

    orders: dict[str, str] = field(default_factory=dict)  # order id -> channel
    shopify: dict[str, dict[str, Any]] = field(default_factory=dict)  # order id -> payload
    cancelled: set[str] = field(default_factory=set)
    refunds: dict[str, str] = field(default_factory=dict)  # refund id -> order id
    edits: int = 0
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)  # answers that were not 2xx
    stock_set: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class Workload:
    hub: Hub
    client: httpx.AsyncClient
    rng: random.Random
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    sent: Sent = field(default_factory=Sent)

    @property
    def hot(self) -> str:
        return f"HOT-{self.tag}"

    @property
    def pool(self) -> list[str]:
        return [f"POOL-{self.tag}-{n}" for n in range(6)]

    @property
    def skus(self) -> list[str]:
        return [self.hot, *self.pool]

    async def prepare(self) -> None:
        await list_everywhere(self.hub, self.client, self.skus)
        for fulfiller in FULFILLERS:
            await self.hub.tpl(self.client, fulfiller, auto_ship=True, ship_delay=0.05)
        await self.count(self.hot, "wh-1", HOT_UNITS)
        for sku in self.pool:
            for location in ("wh-1", "wh-2"):
                await self.count(sku, location, POOL_UNITS)

    async def count(self, sku: str, location: str, units: int) -> None:
        response = await self.client.put(
            self.hub.url("inventory-ledger", f"/stock/{sku}/{location}"),
            json={"on_hand": units},
            headers={"Authorization": f"Bearer {self.hub.admin_token}"},
        )
        if response.status_code == 200:
            self.sent.stock_set[(sku, location)] = units

    async def run(self, seconds: float, rate: float) -> None:
        """Actions at `rate` per second for `seconds`, each in its own task."""
        tasks: list[asyncio.Task[None]] = []
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            tasks.append(asyncio.create_task(self._guarded(self._action())))
            n += 1
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        await asyncio.gather(*tasks)

    async def _guarded(self, action: Any) -> None:
        try:
            await action
        except httpx.HTTPError as exc:  # the fault of the scenario: the sender retries
            self.sent.refused.append(f"{type(exc).__name__}")

    async def _action(self) -> None:
        roll = self.rng.random()
        if roll < 0.50:
            await self.shopify_order()
        elif roll < 0.65:
            await self.woo_order()
        elif roll < 0.74:
            await self.edit()
        elif roll < 0.84:
            await self.cancel()
        elif roll < 0.92:
            await self.refund()
        else:
            await self.recount()

    def _lines(self) -> list[Line]:
        lines = [Line(self.rng.choice(self.pool), self.rng.randint(1, 2), "12.50")]
        if self.rng.random() < 0.4:
            lines.append(Line(self.hot, 1, "30.00"))
        return lines

    async def shopify_order(self) -> None:
        ref = str(self.rng.randrange(10**11, 10**12))
        payload = shopify_order(int(ref), self._lines())
        hook = signed_shopify(payload, self.hub.shop, self.hub.shopify_secret)
        order_id = self.hub.order_id("shopify-test", ref)
        await self.at_store("shopify", payload)
        if not await self._deliver(hook, duplicate=self.rng.random() < 0.2):
            return  # never acknowledged: not accepted, so not the hub's to keep
        self.sent.orders[order_id] = "shopify-test"
        self.sent.shopify[order_id] = payload
        if self.rng.random() < 0.1:  # a replay of the signed body under a fresh event id
            await self._deliver(signed_shopify(payload, self.hub.shop, self.hub.shopify_secret))
            self.sent.duplicates += 1

    async def woo_order(self) -> None:
        ref = self.rng.randrange(10**11, 10**12)
        payload = woocommerce_order(ref, self._lines(), currency="USD")
        hook = signed_woocommerce(payload, self.hub.woo, self.hub.woo_secret)
        await self.at_store("woocommerce", payload)
        if await self._deliver(hook, duplicate=self.rng.random() < 0.2):
            self.sent.orders[self.hub.order_id("woo-test", str(ref))] = "woo-test"

    async def at_store(self, platform: str, payload: dict[str, Any]) -> None:
        """The store has the order its webhook announces (where tracking goes back to)."""
        url = self.hub.url("storefront-api", f"/_orders/{platform}")
        (await self.client.post(url, json=payload)).raise_for_status()

    async def _deliver(self, hook: SignedWebhook, duplicate: bool = False) -> bool:
        """True when the hub acknowledged at least one copy."""
        copies = 3 if duplicate else 1
        self.sent.duplicates += copies - 1
        answers = await asyncio.gather(*(self._post(hook) for _ in range(copies)))
        self.sent.refused += [a for a in answers if a]
        return any(a is None for a in answers)

    async def _post(self, hook: SignedWebhook) -> str | None:
        """None when the hub took it; otherwise what it said. A sender retries what got
        no 2xx, as the platforms do, a few times."""
        for attempt in range(6):
            try:
                response = await self.hub.deliver(self.client, hook)
                if response.status_code < 300:
                    return None
                if response.status_code < 500:
                    return f"{response.status_code}: {response.text[:200]}"
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5 * 2**attempt)
        return "no 2xx after retries"

    def _earlier_shopify_order(self) -> tuple[str, dict[str, Any]] | None:
        candidates = [o for o in self.sent.shopify if o not in self.sent.cancelled]
        if len(candidates) < 3:
            return None
        order_id = self.rng.choice(candidates[:-2])  # not the newest: they have moved on
        return order_id, self.sent.shopify[order_id]

    async def cancel(self) -> None:
        found = self._earlier_shopify_order()
        if found is None:
            return
        order_id, payload = found
        self.sent.cancelled.add(order_id)
        body = {**payload, "cancelled_at": "2026-12-01T12:00:00Z", "cancel_reason": "customer"}
        topic = "orders/cancelled"
        await self._deliver(
            signed_shopify(body, self.hub.shop, self.hub.shopify_secret, topic=topic)
        )

    async def edit(self) -> None:
        """orders/updated after an edit: a line one unit shorter, or a new address."""
        found = self._earlier_shopify_order()
        if found is None:
            return
        order_id, payload = found
        self.sent.edits += 1
        when = EDITS_FROM + timedelta(seconds=self.sent.edits)  # later than the last edit
        line = payload["line_items"][0]
        left = line.get("current_quantity", line["quantity"])
        if left > 1:
            body = edited_shopify_order(payload, {line["sku"]: left - 1}, when.isoformat())
        else:
            moved = {**payload["shipping_address"], "address1": f"{self.sent.edits} Edit Street"}
            body = {**payload, "shipping_address": moved, "updated_at": when.isoformat()}
        self.sent.shopify[order_id] = body
        topic = "orders/updated"
        await self._deliver(
            signed_shopify(body, self.hub.shop, self.hub.shopify_secret, topic=topic)
        )

    async def refund(self) -> None:
        found = self._earlier_shopify_order()
        if found is None:
            return
        order_id, payload = found
        refund_id = self.rng.randrange(10**9, 10**10)
        body = shopify_refund(payload, refund_id, [(0, 1, "no_restock")])
        topic = "refunds/create"
        hook = signed_shopify(body, self.hub.shop, self.hub.shopify_secret, topic=topic)
        if await self._deliver(hook, duplicate=self.rng.random() < 0.3):
            self.sent.refunds[str(refund_id)] = order_id

    async def recount(self) -> None:
        sku = self.rng.choice(self.pool)
        await self.count(sku, "wh-2", POOL_UNITS + self.rng.randrange(0, 50))
