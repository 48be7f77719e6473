"""`flask cron` and `flask worker` stop promptly on SIGTERM and SIGINT whatever Redis does:
gone (killed, so connections are refused) or frozen (stopped, so it accepts connections and
never answers). A process manager sends SIGTERM and waits: a process that starts again
instead, because saying goodbye to Redis failed, is killed later with its work half done.

Each test starts a redis-server and the process of its own (the app on a SQLite file: these
processes reach the database only in jobs), waits until the process is at work, breaks Redis,
sends the signal and waits, with a deadline, for the process to end.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest
import redis

from tests.faults._processes import AppProcess, app_environment, wait_until

pytestmark = pytest.mark.faults

STOP_SECONDS = 10  # a process manager's patience is longer; the cron's Redis timeout shorter


@pytest.fixture
def start(tmp_path, redis_server):
    """Start `flask <command>` on the test's Redis, and return it once it is at work."""
    env = app_environment(f"sqlite:///{tmp_path / 'unstuck.db'}", redis_server.url, 25, tmp_path)
    started: list[AppProcess] = []

    def starting(command: str, at_work=None) -> AppProcess:
        process = AppProcess(command, [sys.executable, "-m", "flask", command], env, tmp_path / f"{command}.log")
        started.append(process)
        client = redis.Redis.from_url(redis_server.url)
        # The cron enqueues the periodic jobs as it starts; a worker registers itself.
        key = "rq:queue:*" if command == "cron" else "rq:workers*"
        try:
            wait_until(
                lambda: at_work(process) if at_work else client.keys(key),
                60,
                f"flask {command} did not get to work",
                [process],
            )
        finally:
            client.close()
        return process

    yield starting
    for process in started:
        process.kill()


def stops(process: AppProcess, signal_number: int) -> None:
    """Send the signal to the process alone (not its group) and wait for it to end."""
    os.kill(process.pid, signal_number)
    wait_until(
        lambda: not process.alive(),
        STOP_SECONDS,
        lambda: f"{process.name} still runs {STOP_SECONDS} s after {signal.Signals(signal_number).name}",
        [],
    )
    assert process.process.returncode in (0, -signal_number), process.log_tail()


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_cron_stops_on_a_signal_while_redis_is_gone(start, redis_server, signal_number):
    cron = start("cron")
    redis_server.kill()
    stops(cron, signal_number)


def test_the_cron_stops_on_a_signal_while_redis_is_frozen(start, redis_server):
    cron = start("cron")
    redis_server.freeze()
    stops(cron, signal.SIGTERM)


def test_the_cron_started_while_redis_is_gone_stops_on_a_signal(start, redis_server):
    redis_server.kill()
    cron = start("cron", at_work=lambda process: "could not reach Redis" in process.log.read_text())
    stops(cron, signal.SIGTERM)


def test_a_worker_stops_on_a_signal_while_redis_is_gone(start, redis_server):
    worker = start("worker")
    redis_server.kill()
    stops(worker, signal.SIGTERM)
