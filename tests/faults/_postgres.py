"""A PostgreSQL cluster of a fault test's own, that it restarts under a running app, and how many
sessions of a database wait for a lock."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

import sqlalchemy as sa

from tests.smtp import free_port


def waiting_on_locks(engine: sa.Engine) -> int:
    """How many sessions of the engine's database wait for a lock now."""
    with engine.connect() as conn:
        return conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, where initdb and pg_ctl are."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])],
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A PostgreSQL server of the test's own, in a temporary folder on a free port, that it can
    restart under a running app without disturbing anyone else's database."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="unstuck_faults_pg_"))
        self.port = free_port()
        # PostgreSQL refuses to run as root: there, it runs as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/unstuck"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, str(self.binaries / tool), *args], capture_output=True, text=True, timeout=60
        )
        if done.returncode:
            log = self.folder / "server.log"
            raise RuntimeError(
                f"{tool} {args[-1]} failed: {done.stderr[-2000:]}" + (log.read_text()[-2000:] if log.exists() else "")
            )

    def _pg_ctl(self, action: str) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-m",
            "fast",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            action,
        )

    def create(self) -> None:
        """Make the cluster, start it, and make its `unstuck` database."""
        self._run(
            "initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync", "--no-instructions"
        )
        self.start()
        engine = sa.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE unstuck"))
        engine.dispose()

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Shut down (every session is ended) and start again; return once it accepts connections."""
        self._pg_ctl("restart")

    def remove(self) -> None:
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            self._pg_ctl("stop")
        shutil.rmtree(self.folder, ignore_errors=True)
