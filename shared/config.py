"""Settings: one pydantic-settings class per service, all on this base.

The two connection strings keep their conventional names (`KAFKA_BOOTSTRAP_SERVERS`,
`DATABASE_URL`) so that any environment — the embedded stack, docker-compose,
Kubernetes, a test harness — points every service at the same infrastructure.
Everything else is `CROSSDOCK_*`. Secrets are never given defaults.
"""

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CROSSDOCK_", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:19092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    database_url: str = Field(
        "postgresql://crossdock@127.0.0.1:15432/crossdock",
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
    )
    topic_prefix: str = Field("", description="Prepended to every topic name (isolated test hubs).")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    db_pool_min: int = 2
    db_pool_max: int = 10
    outbox_batch_size: int = 200
    outbox_poll_seconds: float = 0.5
    outbox_linger_ms: int = Field(
        20,
        ge=0,
        description="How long the relay waits after a notification before its pass, so"
        " the commits of that moment go out in one: that much latency per hop.",
    )
    consumer_workers: int = Field(
        1,
        ge=1,
        description="Consumers per use case in a process; each owns some partitions, in"
        " order. Instances of a service share the partitions the same way.",
    )
    consumer_batch_size: int = Field(
        50,
        ge=1,
        le=60,
        description="Most messages a consumer handles in one transaction (each a savepoint:"
        " PostgreSQL caches 64 subtransactions per transaction, past which every other"
        " session's snapshots slow down).",
    )
    consumer_idle_wait_ms: int = Field(
        1000,
        ge=10,
        description="How long an idle consumer's poll waits for data (it returns as soon"
        " as some arrives): longer costs less CPU idle, never latency.",
    )
    consumer_linger_ms: int = Field(
        5,
        ge=0,
        description="After a poll that found records, how long a consumer waits before"
        " the next: records then come several to a fetch (Kafka answers every fetch for"
        " all of the member's partitions), at that much latency per hop.",
    )
    consumer_commit_every_ms: int = Field(
        100,
        ge=0,
        description="Offsets are committed at most this often (after their batches'"
        " transactions): a crash redelivers at most this much, which the inboxes drop.",
    )
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    admin_token: SecretStr = Field(
        description="Bearer token of the admin endpoints (stock changes, approvals, replays);"
        " at least 32 characters."
    )
    operator_token: SecretStr | None = Field(
        None, description="A read-only bearer token for operators (orders, stock, books)."
    )
    tokens_file: Path | None = Field(
        None,
        description="More scoped tokens (digests or variables), re-read when it changes:"
        " rotation without a restart. See docs/security.md.",
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body any route reads."
    )
    body_limits: dict[str, int] = Field(
        default_factory=dict, description="Route prefix -> its own body limit, in bytes."
    )

    @field_validator("operator_token", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("admin_token", "operator_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("a bearer token needs at least 32 characters")
        return value

    failpoint: str = Field(
        "",
        description="Test-only: name of a failpoint at which the process exits abruptly.",
    )
