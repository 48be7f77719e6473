"""Shared helpers for the benchmarks: figures printed as `name: value unit (target)`, their
own databases and Redis, and the processes they start."""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config import database_url
from tests.embedded_redis import embedded_redis

# A company's skills, by the names people give them, and the zones its people work in.
SKILLS = [
    "Python",
    "SQL",
    "PostgreSQL",
    "Kafka",
    "Docker",
    "Kubernetes",
    "React",
    "TypeScript",
    "Terraform",
    "AWS",
    "Billing",
    "Search",
    "Mobile",
    "Security",
    "Data",
    "CI/CD",
]
ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]


def report(name: str, value, unit: str = "", target: str = "") -> None:
    """Print one figure on its own line, with its target beside it."""
    if isinstance(value, float):
        shown = f"{value:.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    else:
        shown = str(value)
    line = f"{name}: {shown}{' ' + unit if unit else ''}"
    if target:
        line += f"  (target: {target})"
    print(line, flush=True)


def median_ms(func, repeat: int) -> float:
    """Run func repeatedly and return the median time of one run in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values, share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def empty_postgres_database(name: str) -> str:
    """A benchmark's own PostgreSQL database, created if missing and emptied; its URL.

    The server is BENCH_DATABASE_URL's or TEST_DATABASE_URL's (the machine's by default);
    the tests' own database is never the one emptied.
    """
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1/postgres"
    )
    server = make_url(database_url(base))
    if server.database == name and "BENCH_DATABASE_URL" not in os.environ:
        raise SystemExit(f"The tests' database is called {name}; the benchmark would empty it.")
    engine = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    url = server.set(database=name)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


@contextmanager
def bench_redis(folder: Path):
    """BENCH_REDIS_URL's Redis, emptied, or an embedded Redis for the run."""
    url = os.environ.get("BENCH_REDIS_URL")
    if url:
        redis.Redis.from_url(url).flushdb()
        yield url
        return
    with embedded_redis(folder) as url:
        yield url


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Ask the processes a benchmark started to end, and make sure they have."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def app_env(database: str, redis_url: str, **settings: str) -> dict[str, str]:
    """The environment the app's own processes start with: this one's, the app and its
    database and Redis, and the benchmark's settings."""
    return {**os.environ, "FLASK_APP": "app.factory", "DATABASE_URL": database, "REDIS_URL": redis_url, **settings}


def loopback_env(database: str, redis_url: str, port: int, folder: Path, **settings: str) -> dict[str, str]:
    """The environment of the app serving on loopback in development: its mail written to
    files in `folder`/outbox, none sent."""
    return app_env(
        database,
        redis_url,
        UNSTUCK_ENV="development",
        BASE_URL=f"http://127.0.0.1:{port}",
        MAIL_OUTBOX_DIR=str(folder / "outbox"),
        MAIL_SERVER="",
        **settings,
    )


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """Start one of the app's processes, its output kept in a log file."""
    with log.open("ab") as out:  # the process keeps its own copy of the file
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """One RQ worker, as production runs it (`flask worker`)."""
    return start([sys.executable, "-m", "flask", "worker"], env, log)


def start_web(port: int, processes: int, env: dict, log: Path, threads: int | None = None) -> subprocess.Popen:
    """The web server as production runs it: gunicorn on loopback with `processes` workers
    (and `threads` threads each, if given)."""
    threading = ["--threads", str(threads)] if threads is not None else []
    command = [sys.executable, "-m", "gunicorn", "-w", str(processes), *threading, "-b", f"127.0.0.1:{port}"]
    return start([*command, "app.factory:create_app()"], env, log)


def wait_for_web(port: int, web: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Return once the web server answers; fail if it died or never came up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise RuntimeError(f"the web server stopped:\n{log.read_text()[-2000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/sign-in")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)  # not listening yet
        finally:
            conn.close()
    raise RuntimeError("the web server did not come up")


def cpu_seconds(processes) -> float:
    """The CPU time (user and system) the processes used so far, in seconds; one that ended
    meanwhile counts nothing."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def database_processes(name: str) -> list[psutil.Process]:
    """PostgreSQL's processes serving connections to the database `name`."""
    return [p for p in psutil.process_iter(["cmdline"]) if name in " ".join(p.info["cmdline"] or ())]


class MachineWatch:
    """What the whole machine did while a benchmark ran: how busy its cores were, its load
    average, and which other processes used the most CPU (other benchmarks, tests). The
    processes are looked at every two seconds (about 8 ms of CPU each time, in the caller's
    process), so those that end meanwhile count too."""

    EVERY_S = 2.0

    def __enter__(self):
        self.started, self.before = time.monotonic(), psutil.cpu_times()
        self.first = self._process_seconds()  # pid: (what, CPU seconds) when first seen
        self.last = dict(self.first)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self._sample()
        self.elapsed, self.after = time.monotonic() - self.started, psutil.cpu_times()
        self.load_average = os.getloadavg()

    def _watch(self) -> None:
        while not self.stop.wait(self.EVERY_S):
            self._sample()

    def _sample(self) -> None:
        for pid, seen in self._process_seconds().items():
            self.first.setdefault(pid, (seen[0], 0.0))  # started meanwhile: all of it counts
            self.last[pid] = seen

    def busy_share(self) -> float:
        """The share of the machine's CPU time spent working (not idle nor waiting on disk)."""
        fields = [name for name in self.after._fields if not name.startswith("guest")]  # counted in user
        spent = {name: getattr(self.after, name) - getattr(self.before, name) for name in fields}
        idle = spent["idle"] + spent.get("iowait", 0.0)
        return 1 - idle / max(1e-9, sum(spent.values()))

    def others(self, ours: set[int], own: str, count: int = 5) -> list[tuple[str, float]]:
        """The processes that used the most CPU meanwhile, but for those in `ours` and those
        whose command names `own` (the benchmark's database connections), grouped by what
        they run (a database connection by its database): (what, seconds)."""
        grouped: dict[str, float] = {}
        for pid, (label, seconds) in self.last.items():
            if pid not in ours and own not in label:
                grouped[label] = grouped.get(label, 0.0) + seconds - self.first[pid][1]
        return sorted(grouped.items(), key=lambda item: -item[1])[:count]

    @staticmethod
    def _process_seconds() -> dict[int, tuple[str, float]]:
        found = {}
        for process in psutil.process_iter(["cmdline", "name", "cpu_times"]):
            times = process.info["cpu_times"]
            if times is None:
                continue
            # A program's name and first arguments; a database connection's user and database.
            words = " ".join(process.info["cmdline"] or [process.info["name"] or "?"]).split() or ["?"]
            if words[0] == "postgres:":
                label = " ".join(words[:4])  # postgres: 15/main: postgres unstuck
            else:
                label = " ".join(w.rsplit("/", 1)[-1] for w in words[:5])[:70]
            found[process.pid] = (label, times.user + times.system)
        return found
