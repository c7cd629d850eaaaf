"""One fault per scenario, injected while the workload runs. Each returns when the fault
has cleared (the process is back and ready, the 3PL answers again), with what it did."""

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libfaketime
from aiokafka import AIOKafkaProducer

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.chaos.workload import Workload
from tests.support.hub import FULFILLERS, Hub


@dataclass
class Stage:
    """What a fault may touch: the hub, the workload, and the stack under both."""

    hub: Hub
    work: Workload
    stack: Any | None = None  # deploy.local.stack.Stack, when this run owns its stack
    poison: int = 0
    figures: dict[str, Any] = field(default_factory=dict)


Fault = Callable[[Stage], Awaitable[None]]


async def nothing(stage: Stage) -> None:
    return


async def _restart(stage: Stage, service: str, extra: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    stage.hub.start(service, extra)
    await stage.hub.wait_ready(service, timeout=60)
    stage.figures[f"{service}_ready_seconds"] = round(time.monotonic() - started, 2)


def kill(service: str) -> Fault:
    async def fault(stage: Stage) -> None:
        stage.hub.procs[service].send_signal(signal.SIGKILL)
        stage.hub.procs[service].wait()
        await asyncio.sleep(1)
        await _restart(stage, service)

    return fault


def _kill(stage: Stage, name: str) -> None:
    stage.hub.procs[name].send_signal(signal.SIGKILL)
    stage.hub.procs.pop(name).wait()


def second_instance(service: str) -> Fault:
    """A second replica joins under load (its consumer groups rebalance to share the
    partitions), works a while, and is killed: the partitions move back mid-flight."""

    async def fault(stage: Stage) -> None:
        name = f"{service}-2"
        await _replica(stage, service, name)
        await asyncio.sleep(10)
        _kill(stage, name)

    return fault


def group_of_three(service: str) -> Fault:
    """Three replicas share the load; one is killed and the other two carry on."""

    async def fault(stage: Stage) -> None:
        for n in (2, 3):
            await _replica(stage, service, f"{service}-{n}")
        await asyncio.sleep(10)
        _kill(stage, f"{service}-3")
        await asyncio.sleep(5)
        _kill(stage, f"{service}-2")  # back to the hub's one, which the checks ask

    return fault


async def _replica(stage: Stage, service: str, name: str) -> None:
    started = time.monotonic()
    stage.hub.start(service, instance=name)
    await stage.hub.wait_ready(name, timeout=60)
    stage.figures[f"{name}_ready_seconds"] = round(time.monotonic() - started, 2)


# Each service's host clock off by this much (minutes either way, as NTP trouble leaves).
SKEWS = {"order-router": "+300s", "inventory-ledger": "-300s", "accounting-poster": "+600s"}


async def clock_skew(stage: Stage) -> None:
    """Services restarted on hosts whose wall clocks disagree: a real libfaketime
    preloaded into each process shifts every wall-clock read (the monotonic clock, which
    timeouts use, is left alone, as NTP leaves it). Nothing may depend on the clocks
    agreeing: ordering comes from versions, offsets and the database's own clock."""
    _, preload = libfaketime.get_reload_information()
    for service, offset in SKEWS.items():
        stage.hub.stop(service)
        env = {**preload, "FAKETIME": offset, "FAKETIME_DID_REEXEC": "true"}
        await _restart(stage, service, env)
    stage.figures["skews"] = SKEWS


def at_failpoint(service: str, failpoint: str) -> Fault:
    """Restarted armed: it dies at the failpoint the first time it gets there."""

    async def fault(stage: Stage) -> None:
        stage.hub.stop(service)
        stage.hub.start(service, {"CROSSDOCK_FAILPOINT": failpoint})  # may die before ready
        exited = await asyncio.to_thread(_wait_exit, stage.hub, service, 30)
        stage.figures["failpoint_reached"] = exited
        if not exited:
            stage.hub.stop(service)
        await _restart(stage, service)

    return fault


def _wait_exit(hub: Hub, service: str, seconds: float) -> bool:
    try:
        hub.procs[service].wait(seconds)
        return True
    except Exception:
        return False


def tpl(seconds: float, **controls: Any) -> Fault:
    """The 3PLs misbehave for a while (hang, fail, slow), then recover."""

    async def fault(stage: Stage) -> None:
        for fulfiller in FULFILLERS:
            await stage.hub.tpl(stage.work.client, fulfiller, **controls)
        await asyncio.sleep(seconds)
        calm = {"hang_next": 0, "fail_next": 0, "ship_delay": 0.05}
        for fulfiller in FULFILLERS:
            await stage.hub.tpl(stage.work.client, fulfiller, **calm)

    return fault


CHANNEL_APIS = ("storefront-api", "marketplace", "pos")


def channels_down(status: int, seconds: float) -> Fault:
    """Every channel's API answers `status` (429 with Retry-After, or a 5xx) for a while:
    stock pushes and fulfilment feedback must wait and then catch up."""

    async def fault(stage: Stage) -> None:
        for api in CHANNEL_APIS:
            response = await stage.work.client.post(
                stage.hub.url(api, "/_outage"), json={"status": status, "seconds": seconds}
            )
            response.raise_for_status()
        await asyncio.sleep(seconds)

    return fault


async def duplicate_storm(stage: Stage) -> None:
    """The same signed webhook twenty times at once, for a few orders."""
    work = stage.work
    for _ in range(5):
        ref = str(work.rng.randrange(10**11, 10**12))
        payload = shopify_order(int(ref), [Line(work.rng.choice(work.pool), 1, "9.00")])
        await work.at_store("shopify", payload)
        hook = signed_shopify(payload, stage.hub.shop, stage.hub.shopify_secret)
        answers = await asyncio.gather(*(work._post(hook) for _ in range(20)))
        if any(a is None for a in answers):
            order_id = stage.hub.order_id("shopify-test", ref)
            work.sent.orders[order_id] = "shopify-test"
            work.sent.shopify[order_id] = payload
        work.sent.duplicates += 19


async def poison(stage: Stage) -> None:
    """Bytes that are no event, straight onto a topic every order flows through."""
    producer = AIOKafkaProducer(bootstrap_servers=stage.hub.infra.kafka)
    await producer.start()
    try:
        key = f"poison-{uuid.uuid4().hex[:8]}"
        await producer.send_and_wait(
            f"{stage.hub.prefix}orders", b"\x00not an event{", key=key.encode()
        )
        stage.figures["poison_key"] = key
        stage.poison = 1
    finally:
        await producer.stop()


async def kafka_restart(stage: Stage) -> None:
    stack = _stack(stage)
    os.kill(stack.procs.pid("kafka"), signal.SIGKILL)
    await asyncio.sleep(5)
    started = time.monotonic()
    await asyncio.to_thread(stack.kafka.start)
    stage.figures["kafka_back_seconds"] = round(time.monotonic() - started, 2)


async def postgres_crash(stage: Stage) -> None:
    """An immediate shutdown (no checkpoint, sessions cut): what a crash leaves behind."""
    stack = _stack(stage)
    os.kill(stack.procs.pid("postgres"), signal.SIGQUIT)
    await asyncio.to_thread(_wait_gone, stack.pg.data / "postmaster.pid", 30)
    await asyncio.sleep(3)
    started = time.monotonic()
    await asyncio.to_thread(stack.pg.start)
    stage.figures["postgres_back_seconds"] = round(time.monotonic() - started, 2)


def _wait_gone(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def _stack(stage: Stage) -> Any:
    if stage.stack is None:
        raise RuntimeError("this scenario needs the run's own stack (make chaos)")
    return stage.stack
