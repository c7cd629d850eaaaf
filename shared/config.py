"""Settings: one pydantic-settings class per service, all on this base.

The two connection strings keep their conventional names (`KAFKA_BOOTSTRAP_SERVERS`,
`DATABASE_URL`) so that any environment — the embedded stack, docker-compose,
Kubernetes, a test harness — points every service at the same infrastructure.
Everything else is `CROSSDOCK_*`. Secrets are never given defaults.
"""

from pydantic import AliasChoices, Field, SecretStr
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
    consumer_workers: int = Field(
        3, ge=1, description="Consumers per use case; each owns some partitions, in order."
    )
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    admin_token: SecretStr = Field(
        description="Bearer token of the admin endpoints (stock changes, approvals, replays)."
    )
    failpoint: str = Field(
        "",
        description="Test-only: name of a failpoint at which the process exits abruptly.",
    )
