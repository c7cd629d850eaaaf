"""PostgreSQL from Debian's package, as a private cluster in the stack's state folder.

initdb refuses to run as root, so when we are root the cluster belongs to the
`postgres` user that the package creates. The cluster listens on 127.0.0.1 only, with
no Unix socket, and trusts local connections: it is a development stack, nothing more.
"""

import glob
import hashlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from deploy.local.procs import Procs, require_free, wait_until

ROLE = "crossdock"
# `make bench` profiles the statements (calls and time per order): pg_stat_statements.
_STATEMENTS = (
    " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
    if os.environ.get("CROSSDOCK_PG_STATEMENTS")
    else ""
)
DATABASE = "crossdock"


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        install()
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed and could not be installed")
    return Path(found[-1]).parent


def install() -> None:
    if os.geteuid() != 0:
        raise SystemExit("PostgreSQL is missing: run `sudo apt-get install -y postgresql`")
    print("installing PostgreSQL from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def cluster_home(state_home: Path) -> Path:
    """Where the cluster lives: in the stack's folder, unless the `postgres` user (which
    owns it when we are root) cannot reach that folder — a checkout under /root, say —
    in which case a folder of its own under /var/tmp, named after the stack's folder."""
    if os.geteuid() != 0:
        return state_home
    # Probed once the folder exists, or the answer would change when it appears and a
    # restarted stack would look for its cluster elsewhere (and initialise a new one).
    state_home.parent.mkdir(parents=True, exist_ok=True)
    if _postgres_can_reach(state_home.parent):
        return state_home
    digest = hashlib.sha1(str(state_home).encode()).hexdigest()[:12]
    return Path("/var/tmp/crossdock-postgres") / digest


def _postgres_can_reach(folder: Path) -> bool:
    probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(folder)])
    return probe.returncode == 0


class Postgres:
    def __init__(self, home: Path, port: int, procs: Procs) -> None:
        self.home = cluster_home(home)
        self.data = self.home / "data"
        self.port = port
        self.procs = procs
        self.url = f"postgresql://{ROLE}@127.0.0.1:{port}/{DATABASE}"

    def start(self) -> None:
        if self.procs.alive("postgres"):
            print(f"postgres already running on 127.0.0.1:{self.port}")
            return
        require_free(self.port, "postgres")
        bindir = pg_bin()
        self._init(bindir)
        # The server writes its own log, so it lives beside the cluster, where its owner can.
        log = self.home / "server.log"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                    + _STATEMENTS,
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.procs.record("postgres", int((self.data / "postmaster.pid").read_text().split()[0]))
        wait_until(lambda: self._answers(bindir), 60, f"postgres on :{self.port}")
        self._ensure_database(bindir)
        print(f"postgres ready on 127.0.0.1:{self.port}")

    def _init(self, bindir: Path) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            for path in (self.home, self.data):
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    ROLE,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-instructions",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\nmax_connections = 300\nshared_buffers = 128MB\nfsync = on\n")

    def _answers(self, bindir: Path) -> bool:
        result = subprocess.run(
            [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return result.returncode == 0

    def _ensure_database(self, bindir: Path) -> None:
        psql = [
            str(bindir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            ROLE,
            "-d",
            "postgres",
            "-tAc",
        ]
        exists = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True, capture_output=True)

    def remove(self) -> None:
        """Delete the cluster's files (the stack must be down)."""
        shutil.rmtree(self.home, ignore_errors=True)

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
        self.procs.stop("postgres", sig=signal.SIGINT, timeout=30)
