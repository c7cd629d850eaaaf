"""The composition root every service's `create_app` builds on.

It owns the process-wide resources — settings, asyncpg pool, FastStream broker, the
outbox relay, metrics — and their order of start and stop. Nothing connects until
the ASGI lifespan starts, so importing or constructing an app is free of I/O.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from uuid import uuid4

import structlog
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from shared import dead_letters
from shared.auth import Credential, Scope, TokenStore, credential, require_reader
from shared.batches import run_batch
from shared.body_limit import BodyLimit
from shared.config import HubSettings
from shared.consumer import ConsumerRunner, Handler
from shared.db import UnitOfWork, create_pool
from shared.dead_letters import DeadLetterSource
from shared.events.codec import Decoder
from shared.failpoints import Failpoints
from shared.group_commit import GroupCommit
from shared.health import health_router
from shared.lanes import Lanes, feed, queue_in
from shared.logging import configure_logging
from shared.metrics import ServiceMetrics
from shared.migrations import migrate
from shared.relay import OutboxRelay
from shared.requests import RequestIds
from shared.subscriptions import Route, Subscriptions, carry_offsets_over
from shared.topics import Topic, dead_letter_topic

log = structlog.get_logger(__name__)


class ServiceRuntime:
    def __init__(self, service: str, settings: HubSettings, migrations_package: str) -> None:
        self.service = service
        self.schema = service.replace("-", "_")
        self.settings = settings
        self._migrations_package = migrations_package
        self.metrics = ServiceMetrics(service)
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=service,
            acks="all",
            enable_idempotence=True,
            allow_auto_create_topics=False,
            middlewares=[self.metrics.faststream_middleware()],
            # Per-message "Received"/"Processed" lines cost CPU on the hot path; the
            # metrics carry those counts, and DEBUG brings the lines back when needed.
            log_level=logging.DEBUG,
            logger=logging.getLogger("faststream.broker"),
        )
        self.runner = ConsumerRunner(
            self.broker,
            dead_letter_topic(service).qualified(settings.topic_prefix),
            self.metrics,
            Failpoints(settings.failpoint),
            settings.consumer_max_attempts,
            settings.consumer_backoff_seconds,
        )
        self.pool: Any = None
        # Run once with a connection after migrations and before consuming starts
        # (configuration a service installs into its own tables, say).
        self.setup_steps: list[Callable[[Any], Awaitable[None]]] = []
        self._relay: OutboxRelay | None = None
        # Each consumer's decoder and handler, by name: what replaying a dead letter needs.
        self.handlers: dict[str, tuple[Decoder, Handler]] = {}
        self.subscriptions = Subscriptions(service, settings.topic_prefix)
        self._subscribed = False
        self._producer: AIOKafkaProducer | None = None
        self._joining: asyncio.Task[None] | None = None
        self._lanes: list[Lanes] = []  # each group member's
        # Requests that need a durable commit before they answer may share one.
        self.group_commit = GroupCommit(lambda: self.pool)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.pool, self.service, self.settings.topic_prefix)

    def consume(self, topic: Topic, consumer: str, decoder: Decoder, handle: Handler) -> None:
        """Route `topic` to the use case `consumer`; offsets commit only after it committed.

        A service's use cases are read by its one consumer group (`shared.subscriptions`);
        a member queues what it fetches in a lane per topic, and each lane runs its queue
        in batches, one transaction each (`shared.lanes`, `shared.batches`). Workers in a
        process and instances of the service share the partitions.
        """
        self.subscriptions.add(topic, Route(consumer, decoder, handle))
        self.handlers[consumer] = (decoder, handle)

    def subscribe(self) -> None:
        """The group's members, subscribed to every routed topic (once all are routed)."""
        s, routes = self.settings, self.subscriptions
        if self._subscribed or not routes.topics:
            return
        self._subscribed = True
        for _ in range(routes.workers(s.consumer_workers)):
            lanes = Lanes(
                self._run_records,
                s.consumer_batch_size,
                s.consumer_backoff_seconds,
                s.consumer_commit_every_ms / 1000,
                self.metrics.lane_queued,
            )
            self._lanes.append(lanes)
            subscriber = self.broker.subscriber(
                *routes.topics,
                group_id=routes.group,
                ack_policy=AckPolicy.MANUAL,  # the lanes commit each batch's partitions
                batch=True,
                max_records=s.consumer_batch_size,
                batch_timeout_ms=s.consumer_idle_wait_ms,
                # The broker answers a fetch as soon as a record arrives; only an idle
                # consumer waits this long (measured: 100 ms tripled Kafka's idle CPU
                # and shortened no latency).
                fetch_max_wait_ms=s.consumer_idle_wait_ms,
                auto_offset_reset="earliest",
                listener=lanes.listener(),
                title=self.service,
                description=routes.description(),
            )
            feed(subscriber, lanes, s.consumer_linger_ms / 1000)
            subscriber(queue_in(lanes))

    async def _run_records(self, records: tuple[Any, ...]) -> None:
        await run_batch(self.runner, self.pool, records, self.subscriptions.routes)

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        configure_logging(self.service, self.settings.log_level)
        s = self.settings
        self.pool = await create_pool(
            s.database_url, self.schema, self.service, s.db_pool_min, s.db_pool_max
        )
        async with self.pool.acquire() as conn:
            applied = await migrate(conn, self.schema, self._migrations_package)
            for step in self.setup_steps:
                await step(conn)
        log.info("migrations applied", versions=applied)
        await self._start_relay()
        self.group_commit.start()
        self._joining = asyncio.create_task(self._start_consumers(), name="consumers")
        log.info("service started", port=s.http_port)
        try:
            yield
        finally:
            self._joining.cancel()
            await asyncio.gather(self._joining, return_exceptions=True)
            await asyncio.gather(*(lanes.close() for lanes in self._lanes))
            await self.broker.stop()
            await self.group_commit.stop()
            if self._relay is not None:
                await self._relay.stop()
            if self._producer is not None:
                await self._producer.stop()
            await self.pool.close()

    async def _start_relay(self) -> None:
        """The idempotent producer and the relay that publishes this service's outbox."""
        s = self.settings
        self._producer = AIOKafkaProducer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            client_id=f"{self.service}-relay",
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
        )
        await self._producer.start()
        self._relay = OutboxRelay(
            self.pool,
            s.database_url,
            self.schema,
            self._producer,
            self.metrics,
            s.outbox_batch_size,
            s.outbox_poll_seconds,
            Failpoints(s.failpoint),
            s.outbox_linger_ms / 1000,
        )
        await self._relay.start()

    def _consumers_up(self) -> bool:
        """False once the consumers failed to start (joining is still up: it waits)."""
        joining = self._joining
        if joining is None or not joining.done() or joining.cancelled():
            return True
        return joining.exception() is None

    async def _start_consumers(self) -> None:
        """Every consumer joins its group at once, not one after another, and while the
        service already serves HTTP: a join waits for the group's other members to
        rejoin (up to a heartbeat, or until a killed member's session expires), so one
        after another (`broker.start()`) made a restarted service answer its webhooks
        only after the sum of those waits. Messages wait in Kafka meanwhile."""
        try:
            await carry_offsets_over(self.settings.kafka_bootstrap_servers, self.subscriptions)
            await self.broker.connect()
            await asyncio.gather(*(sub.start() for sub in self.broker.subscribers))
            for publisher in self.broker.publishers:
                await publisher.start()
            self.broker.running = True
            log.info("consumers joined", members=len(self.broker.subscribers))
        except Exception:
            log.exception("consumers could not start; the service is not ready")
            raise

    def http_app(
        self,
        title: str,
        description: str,
        routers: list[APIRouter],
        extra_lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
        doors: list[APIRouter] | None = None,
    ) -> FastAPI:
        """The service's ASGI app; `extra_lifespan` runs inside the kit's (pool, broker
        and relay are up before it starts, and stop after it ends).

        `routers` answer only to an operator's or admin's token (their writes ask for
        admin themselves); `doors` are partners' own authenticated entrances (webhooks,
        the 3PL API), which check the partner's credential instead. Health and metrics
        stay open and carry no personal data.
        """

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with self.lifespan(app):
                if extra_lifespan is None:
                    yield
                else:
                    async with extra_lifespan(app):
                        yield

        self.subscribe()
        app = FastAPI(title=title, description=description, lifespan=lifespan)
        app.state.tokens = self.tokens()
        app.state.runtime = self  # what routes' dependencies resolve from (shared/deps.py)
        app.add_exception_handler(Exception, _internal_error)
        self._mount(app, routers, doors or [])
        app.add_middleware(
            BodyLimit, default=self.settings.max_body_bytes, per_route=self.settings.body_limits
        )
        app.add_middleware(RequestIds, metrics=self.metrics.http)  # outermost: counts 413s too
        return app

    def _mount(self, app: FastAPI, routers: list[APIRouter], doors: list[APIRouter]) -> None:
        """Health and metrics open, partners' doors on their own credentials, the rest
        (dead letters included) behind a read token."""
        reader = [Depends(require_reader)]
        app.include_router(health_router(self._is_ready))
        app.state.dead_letters = DeadLetterSource(
            self.settings.kafka_bootstrap_servers,
            dead_letter_topic(self.service).qualified(self.settings.topic_prefix),
            self.handlers,
            self.uow,
        )
        for router in [dead_letters.router, *routers]:
            app.include_router(router, dependencies=reader)
        for door in doors:
            app.include_router(door)
        app.include_router(self.metrics.router())

    def tokens(self) -> TokenStore:
        s = self.settings
        fixed: list[Credential] = [
            credential("admin", Scope.ADMIN, s.admin_token.get_secret_value())
        ]
        if s.operator_token is not None:
            fixed.append(credential("operator", Scope.READ, s.operator_token.get_secret_value()))
        return TokenStore(self.service, tuple(fixed), s.tokens_file)

    async def _is_ready(self) -> dict[str, bool]:
        database = False
        if self.pool is not None:
            try:
                database = await self.pool.fetchval("SELECT true", timeout=2)
            except Exception:
                database = False
        kafka = await self.broker.ping(timeout=2)
        return {"database": bool(database), "kafka": bool(kafka), "consumers": self._consumers_up()}


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """What went wrong stays in the log: a caller sees an error id, never a driver's or
    an upstream's text. A body nested too deeply to parse is the caller's error."""
    if isinstance(exc, RecursionError):
        return JSONResponse({"detail": "body nested too deeply"}, 400)
    error_id = uuid4()
    log.error("unhandled error", error_id=str(error_id), path=request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error", "error_id": str(error_id)}, 500)
