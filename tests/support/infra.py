"""Where the tests find Kafka and PostgreSQL.

`make test` starts the embedded stack and exports KAFKA_BOOTSTRAP_SERVERS and
DATABASE_URL; any other environment (a CI with its own brokers) can export the same
two. Where a Docker engine answers and neither is set, testcontainers starts both.
"""

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@dataclass(frozen=True)
class Infra:
    kafka: str
    database_url: str


def _docker_answers() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    return subprocess.run([docker, "info"], capture_output=True, timeout=20).returncode == 0


@contextmanager
def infrastructure() -> Iterator[Infra]:
    kafka, database = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("DATABASE_URL")
    if kafka and database:
        yield Infra(kafka, database)
        return
    if not _docker_answers():
        raise RuntimeError(
            "no Kafka/PostgreSQL: run the suite with `make test` (embedded stack), or export "
            "KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, or provide a Docker engine"
        )
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kc, PostgresContainer("postgres:16") as pc:
        url = pc.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
        yield Infra(kc.get_bootstrap_server(), url)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def create_database(url: str) -> str:
    """A fresh database for one test hub; returns its URL."""
    name = f"hub_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(url, name)
