"""Apache Kafka 4.x, single node, KRaft combined broker+controller, from Maven Central jars.

The jars are collected by `maven-dependency-plugin:copy-dependencies` (pinned in
`deploy/local/kafka/pom.xml`) into a cache outside git, and reused when present.
"""

import asyncio
import logging
import os
import re
import subprocess
from pathlib import Path

from deploy.local.procs import Procs, require_free, wait_until

HERE = Path(__file__).resolve().parent
POM = HERE / "kafka" / "pom.xml"
HEAP = os.environ.get("CROSSDOCK_KAFKA_HEAP", "-Xms128m -Xmx512m")


def kafka_version() -> str:
    match = re.search(r"<kafka.version>([^<]+)</kafka.version>", POM.read_text())
    assert match, "kafka.version missing from the pom"
    return match.group(1)


def jar_dir() -> Path:
    cache = Path(os.environ.get("CROSSDOCK_CACHE", Path.home() / ".cache" / "crossdock"))
    return cache / f"kafka-{kafka_version()}" / "libs"


def fetch_jars() -> Path:
    libs = jar_dir()
    marker = libs / ".complete"
    if marker.exists():
        return libs
    print(f"fetching Kafka {kafka_version()} jars into {libs}")
    subprocess.run(
        [
            "mvn",
            "-B",
            "-q",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={libs}",
        ],
        check=True,
    )
    marker.touch()
    return libs


class Kafka:
    def __init__(self, home: Path, port: int, procs: Procs) -> None:
        self.home = home
        self.port = port
        self.procs = procs
        self.bootstrap = f"127.0.0.1:{port}"

    def _properties(self) -> Path:
        path = self.home / "server.properties"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.port + 1}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                    f"CONTROLLER://127.0.0.1:{self.port + 1}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    f"log.dirs={self.home / 'data'}",
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "num.network.threads=2",
                    "num.io.threads=4",
                    "log.retention.hours=168",
                    "",
                ]
            )
        )
        return path

    def start(self) -> None:
        if self.procs.alive("kafka"):
            print(f"kafka already running on {self.bootstrap}")
            return
        require_free(self.port, "kafka")
        require_free(self.port + 1, "the kafka controller")
        libs = fetch_jars()
        props = self._properties()
        classpath = f"{libs}/*"
        if not (self.home / "data" / "meta.properties").exists():
            cluster_id = (
                subprocess.run(
                    ["java", "-cp", classpath, "kafka.tools.StorageTool", "random-uuid"],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            subprocess.run(
                [
                    "java",
                    "-cp",
                    classpath,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(props),
                ],
                check=True,
                capture_output=True,
            )
        self.procs.spawn(
            "kafka",
            [
                "java",
                *HEAP.split(),
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-cp",
                classpath,
                "kafka.Kafka",
                str(props),
            ],
            env=os.environ,
            cwd=self.home,
        )
        wait_until(self._answers, 90, f"kafka on {self.bootstrap}")
        print(f"kafka ready on {self.bootstrap}")

    def _answers(self) -> bool:
        if not self.procs.alive("kafka"):
            raise SystemExit(f"kafka exited; see {self.procs.log('kafka')}")
        return asyncio.run(_describe_cluster(self.bootstrap))

    def stop(self) -> None:
        self.procs.stop("kafka", timeout=30)


async def _describe_cluster(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    # Refused connections are the expected answer while the broker boots: not news.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(admin.start(), 5)
        await asyncio.wait_for(admin.describe_cluster(), 5)
        return True
    except Exception:
        return False
    finally:
        try:
            await admin.close()
        except Exception:
            pass
