"""File feeds for systems without an API: files dropped in a folder or on an SFTP
server, taken in name order, each processed once and answered with a report.

A file is read, handed to the feed's use case (which reports on every row, by line),
recorded with its SHA-256 in the same database as the effect, and only then moved out of
the way (`processed/`, with `<name>.report.json` beside it). A crash in between finds
the file again, sees it recorded, and only moves it. A file whose whole shape is wrong
goes to `failed/` with the reason; nothing in it is applied.
"""

import asyncio
import codecs
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

import asyncssh
import structlog
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.csvfeed import CsvFeedError, FeedReport
from shared.db import UnitOfWork
from shared.periodic import Periodic

log = structlog.get_logger(__name__)


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sftp(_Config):
    host: str
    port: int = 22
    username: str
    password_env: str = Field(description="Variable holding the password (never the file).")
    path: str = "."
    known_hosts: str = Field(
        description="known_hosts file with the server's key: a server not in it is refused."
    )


class FeedConfig(_Config):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    kind: Literal["inventory", "orders"]
    folder: Path | None = None
    sftp: Sftp | None = None
    every_seconds: float = 10.0
    pattern: str = "*.csv"
    # inventory snapshots
    mode: Literal["overwrite", "report"] = "report"
    location: str | None = Field(None, description="Where the counts are, if no column says.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Our column name -> the file's (e.g. sku: item no)."
    )
    encoding: str = Field(
        "auto", description="The file's encoding (cp1252, latin-1, utf-8); auto detects."
    )
    not_stocked: list[str] = Field(
        default_factory=lambda: ["not stocked"],
        description="Counts that mean the location does not stock the SKU (case aside).",
    )
    empty_is_not_stocked: bool = Field(False, description="An empty count means not stocked.")
    # order exports
    channel: str | None = None
    mapping: Path | None = Field(None, description="How an exported order's rows map.")
    group_by: str = Field("order", description="The column naming each row's order.")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        if value != "auto":
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _one_source(self) -> "FeedConfig":
        if (self.folder is None) == (self.sftp is None):
            raise ValueError(f"feed {self.id}: give either a folder or an sftp server")
        return self


class FeedFileConfig(_Config):
    feeds: list[FeedConfig] = []


def load_feeds(path: Path | None, kind: str) -> list[FeedConfig]:
    """The feeds of one kind from the feeds file (none when there is no file)."""
    if path is None or not path.exists():
        return []
    try:
        parsed = FeedFileConfig.model_validate(yaml.safe_load(path.read_text()) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return [f for f in parsed.feeds if f.kind == kind]


class FeedFile(BaseModel):
    name: str
    data: bytes


class Source(ABC):
    @abstractmethod
    async def files(self, pattern: str) -> list[FeedFile]:
        """The files waiting, oldest name first."""

    @abstractmethod
    async def finish(self, name: str, ok: bool, report: dict[str, Any]) -> None:
        """Move the file to processed/ or failed/, with its report beside it."""


class DropFolder(Source):
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    async def files(self, pattern: str) -> list[FeedFile]:
        return await asyncio.to_thread(self._read, pattern)

    async def finish(self, name: str, ok: bool, report: dict[str, Any]) -> None:
        await asyncio.to_thread(self._move, name, ok, report)

    def _read(self, pattern: str) -> list[FeedFile]:
        self._folder.mkdir(parents=True, exist_ok=True)
        taken = []
        for path in sorted(self._folder.glob(pattern)):
            if path.is_symlink():
                # A link could name any file the service may read: only files dropped
                # into the folder itself are taken; the link is set aside, with why.
                self._move(path.name, False, {"error": "a symbolic link is not taken"})
            elif path.is_file():
                taken.append(path)
        return [FeedFile(name=p.name, data=p.read_bytes()) for p in taken]

    def _move(self, name: str, ok: bool, report: dict[str, Any]) -> None:
        target = self._folder / ("processed" if ok else "failed")
        target.mkdir(exist_ok=True)
        (target / f"{name}.report.json").write_text(json.dumps(report, indent=2, default=str))
        os.replace(self._folder / name, target / name)


class SftpFolder(Source):
    def __init__(self, config: Sftp) -> None:
        self._config = config

    def _connect(self) -> Any:
        c = self._config
        return asyncssh.connect(
            c.host,
            port=c.port,
            username=c.username,
            password=os.environ[c.password_env],
            known_hosts=c.known_hosts,
        )

    async def files(self, pattern: str) -> list[FeedFile]:
        async with self._connect() as conn, conn.start_sftp_client() as sftp:
            names = sorted(await sftp.glob(f"{self._config.path.rstrip('/')}/{pattern}"))
            found = []
            for name in names:
                async with sftp.open(name, "rb") as remote:
                    found.append(FeedFile(name=Path(name).name, data=await remote.read()))
            return found

    async def finish(self, name: str, ok: bool, report: dict[str, Any]) -> None:
        base = self._config.path.rstrip("/")
        target = f"{base}/{'processed' if ok else 'failed'}"
        async with self._connect() as conn, conn.start_sftp_client() as sftp:
            if not await sftp.exists(target):
                await sftp.mkdir(target)
            async with sftp.open(f"{target}/{name}.report.json", "w") as out:
                await out.write(json.dumps(report, indent=2, default=str))
            await sftp.rename(f"{base}/{name}", f"{target}/{name}")


Process = Callable[[FeedConfig, str, bytes, UnitOfWork], Awaitable[FeedReport]]


class FeedPoller(Periodic):
    """Takes the feed's files, one at a time; `process` applies one file inside the
    unit of work it is given and reports on its rows (it commits nothing itself)."""

    def __init__(
        self, feed: FeedConfig, source: Source, process: Process, uow: Callable[[], UnitOfWork]
    ) -> None:
        super().__init__(f"feed-{feed.id}")
        self._feed = feed
        self._source = source
        self._process = process
        self._uow = uow

    async def round(self) -> float:
        for file in await self._source.files(self._feed.pattern):
            await self.take(file)
        return self._feed.every_seconds

    async def take(self, file: FeedFile) -> dict[str, Any]:
        digest = hashlib.sha256(file.data).hexdigest()
        async with self._uow() as uow:
            seen = await uow.connection.fetchval(
                "SELECT report FROM feed_files WHERE feed = $1 AND name = $2 AND sha256 = $3",
                self._feed.id,
                file.name,
                digest,
            )
            if seen is not None:
                report: dict[str, Any] = seen
            else:
                report = await self._apply(uow, file, digest)
        await self._source.finish(file.name, report.get("error") is None, report)
        log.info("feed file taken", feed=self._feed.id, file=file.name, **_summary(report))
        return report

    async def _apply(self, uow: UnitOfWork, file: FeedFile, digest: str) -> dict[str, Any]:
        try:
            result = await self._process(self._feed, file.name, file.data, uow)
            report: dict[str, Any] = {"file": file.name, **result.__dict__, "error": None}
        except (CsvFeedError, UnicodeDecodeError) as exc:
            report = {"file": file.name, "error": str(exc)}
        await uow.connection.execute(
            "INSERT INTO feed_files (feed, name, sha256, report) VALUES ($1, $2, $3, $4)",
            self._feed.id,
            file.name,
            digest,
            report,
        )
        await uow.commit()
        return report


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    if report.get("error"):
        return {"error": report["error"]}
    return {
        "rows": report.get("rows"),
        "applied": report.get("applied"),
        "problems": len(report.get("problems") or []),
    }


def source_for(feed: FeedConfig) -> Source:
    if feed.sftp is not None:
        return SftpFolder(feed.sftp)
    assert feed.folder is not None
    return DropFolder(feed.folder)
