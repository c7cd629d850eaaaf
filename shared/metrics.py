"""Prometheus metrics: one registry per service, exposed at /metrics.

FastStream's middleware counts and times every consumed and published message; the
counters here cover what it cannot see (outbox backlog, dead letters, webhooks).
"""

from fastapi import APIRouter, Response
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from shared.requests import SECONDS_BUCKETS, HttpMetrics


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        registry = self.registry
        self._consumption(registry)
        self.outbox_backlog = Gauge(
            "crossdock_outbox_backlog", "Outbox rows not yet published.", registry=registry
        )
        self.events_published = Counter(
            "crossdock_outbox_published", "Events the relay published to Kafka.", registry=registry
        )
        self.dead_letters = Counter(
            "crossdock_dead_letters",
            "Messages parked on the dead-letter topic.",
            ["consumer", "reason"],
            registry=registry,
        )
        self.retries = Counter(
            "crossdock_consumer_retries",
            "Retried processing attempts.",
            ["consumer"],
            registry=registry,
        )
        self.webhooks = Counter(
            "crossdock_webhooks",
            "Inbound webhook deliveries by outcome.",
            ["platform", "outcome"],
            registry=registry,
        )
        self.http = HttpMetrics(registry)

    def _consumption(self, registry: CollectorRegistry) -> None:
        """What consuming costs and where it waits."""
        self.processing_seconds = Histogram(
            "crossdock_processing_seconds",
            "Time to process one consumed event, retries included.",
            ["consumer", "outcome"],
            buckets=SECONDS_BUCKETS,
            registry=registry,
        )
        self.lane_queued = Gauge(
            "crossdock_consumer_queued",
            "Records fetched and waiting in their topic's lane (shared.lanes); past four"
            " batches the topic's partitions pause.",
            ["topic"],
            registry=registry,
        )
        self.batch_reruns = Counter(
            "crossdock_batch_reruns",
            "Batches run again with a savepoint per unit, after a unit of this use case"
            " failed (or left work uncommitted) without one.",
            ["consumer"],
            registry=registry,
        )

    def faststream_middleware(self) -> KafkaPrometheusMiddleware:
        return KafkaPrometheusMiddleware(registry=self.registry, app_name=self.service)

    def router(self) -> APIRouter:
        """`GET /metrics` in Prometheus' text format (no redirect, unlike a mounted app)."""
        router = APIRouter(tags=["observability"])
        registry = self.registry

        @router.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

        return router
