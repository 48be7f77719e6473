"""Benchmark: the digests of 10,000 mentors with 5 questions that can wait each, composed,
recorded and delivered to a local SMTP server, on SQLite and PostgreSQL.

Run: python -m tests.bench.digest [sqlite] [postgres]    (both when none is named)

The mentors, askers, questions and routing attempts are written straight into the database
(not timed). What is timed is the periodic job's whole work, as production runs it: the
job finds the mentors whose digest is due and hands them out in batches; `flask worker`
processes (as many as the machine has cores; one on SQLite, which takes one writer at a
time) run `send_digests` on each batch, composing and recording one digest per mentor, and
the real `deliver_batch` job on each batch's emails, over SMTP to an aiosmtpd server on
loopback (in a process of its own, as a relay would be) that counts what it accepts. The
clock stops when the last digest has arrived there.

Besides the wall time it prints the CPU time spent per 1,000 emails by the workers and by
the database's server processes (PostgreSQL's backends of the benchmark's database; SQLite
runs inside the worker), which other work on the machine disturbs far less than the clock.

PostgreSQL: the server of BENCH_DATABASE_URL, else of TEST_DATABASE_URL, else the local one,
always in its own database `unstuck_bench_digest` (emptied first). Redis: BENCH_REDIS_URL's
(emptied first), else an embedded one.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psutil
import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from rq import Worker

from app.extensions import db
from app.factory import create_app
from app.help.digest import due_mentors, send_due_digests
from app.help.models import Attempt, DigestSetting, Question, question_skills
from app.jobs import enqueue
from app.mail.models import MailStatus, OutboundMail
from app.people.models import Role, Skill, User, UserRole
from config import TestConfig
from tests.bench._common import (
    SKILLS,
    ZONES,
    app_env,
    bench_redis,
    empty_postgres_database,
    report,
    start_worker,
    stop_processes,
)
from tests.smtp import free_port

SEED = 20261121
MENTORS = 10_000
PER_MENTOR = 5
ASKERS = 2_000
BENCH_DATABASE = "unstuck_bench_digest"
# Seconds for all the digests: PostgreSQL with two workers; SQLite with its one writer.
TARGETS = {"postgres": "< 30", "sqlite": "< 60"}
# As many worker processes as the machine has cores, as production runs them; SQLite takes
# one writer at a time, so on it one worker, as in development.
WORKERS = {"postgres": max(2, os.cpu_count() or 2), "sqlite": 1}
STUCK = (
    'I run `make migrate` on staging and it fails with **relation "invoices" does not exist**.\n\n'
    "```\nalembic.util.exc.CommandError: Can't locate revision identified by '0042'\n```\n\n"
    "I tried:\n\n- running it again\n- `alembic history`, which stops at 0041\n\n"
    "What is the right way to get the revisions in line? See <the runbook> & the wiki."
)


class CountingSink:
    """An SMTP server's handler that accepts every message and only counts it."""

    def __init__(self, messages, connections):
        self.messages, self.connections = messages, connections

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.connections.get_lock():
            self.connections.value += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.messages.get_lock():
            self.messages.value += 1
        return "250 Message accepted"


def serve_sink(port: int, messages, connections, ready, stop) -> None:
    """Run the counting SMTP server until told to stop (in a process of its own, as a
    mail relay would be: it does not take the composing process's time)."""
    controller = Controller(
        CountingSink(messages, connections), hostname="127.0.0.1", port=port, server_hostname="smtp.bench"
    )
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


@contextmanager
def smtp_sink():
    """A counting SMTP server on loopback in its own process; yields (port, messages, connections)."""
    context = multiprocessing.get_context("spawn")
    messages, connections = context.Value("i", 0), context.Value("i", 0)
    ready, stop = context.Event(), context.Event()
    port = free_port()
    process = context.Process(target=serve_sink, args=(port, messages, connections, ready, stop), daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise SystemExit("The SMTP sink did not start.")
        yield port, messages, connections
    finally:
        stop.set()
        process.join(10)


def fill(rng: np.random.Generator, now: datetime) -> None:
    """Mentors (a third with a setting of their own, hourly or daily), askers, and five
    questions that can wait per mentor, each routed to them and not yet told."""
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Skill), [{"name": s, "key": s.lower()} for s in SKILLS])
        skills = conn.scalars(sa.select(Skill.id).order_by(Skill.id)).all()
        conn.execute(
            sa.insert(User),
            [
                {
                    "email": f"mentor{n}@bench.example",
                    "name": f"Mentor {n}",
                    "timezone": ZONES[n % len(ZONES)],
                    "max_open_questions": 10,
                }
                for n in range(MENTORS)
            ],
        )
        conn.execute(
            sa.insert(User), [{"email": f"asker{n}@bench.example", "name": f"Asker {n}"} for n in range(ASKERS)]
        )
        mentors = conn.scalars(sa.select(User.id).where(User.email.like("mentor%")).order_by(User.id)).all()
        askers = conn.scalars(sa.select(User.id).where(User.email.like("asker%")).order_by(User.id)).all()
        conn.execute(sa.insert(UserRole), [{"user_id": m, "role": Role.MENTOR} for m in mentors])
        settings = []
        for n, mentor_id in enumerate(mentors):
            if n % 3 == 1:
                settings.append(
                    {
                        "user_id": mentor_id,
                        "frequency": "hourly",
                        "minute_of_day": 540,
                        "weekday": 0,
                        "last_sent_at": now - timedelta(hours=5),
                    }
                )
            elif n % 3 == 2:  # daily, at a local time that came since the questions
                settings.append(
                    {
                        "user_id": mentor_id,
                        "frequency": "daily",
                        "minute_of_day": int(rng.integers(0, 24 * 60)),
                        "weekday": 0,
                        "last_sent_at": now - timedelta(days=4),
                    }
                )
        conn.execute(sa.insert(DigestSetting), settings)
    questions, attempts, tags = [], [], []
    number = 0
    for mentor_id in mentors:
        for _ in range(PER_MENTOR):
            number += 1
            asked = now - timedelta(days=2, minutes=int(rng.integers(0, 24 * 60)))
            questions.append(
                {
                    "id": number,
                    "asker_id": askers[int(rng.integers(len(askers)))],
                    "goal": f"Get the billing migration {number} through on staging",
                    "stuck": STUCK,
                    "link": "",
                    "page_title": "",
                    "urgency": "can_wait",
                    "state": "open",
                    "visibility": "anonymous",
                    "escalated": False,
                    "helpful_note": "",
                    "kb_text": "",
                    "created_at": asked,
                    "first_routed_at": asked,
                }
            )
            attempts.append(
                {
                    "question_id": number,
                    "mentor_id": mentor_id,
                    "number": 1,
                    "tier": "teaches the skill",
                    "state": "waiting",
                    "deadline_at": now + timedelta(hours=4),
                    "hint": "",
                    "created_at": asked,
                }
            )
            tags.extend(
                {"question_id": number, "skill_id": int(s)}
                for s in rng.choice(skills, int(rng.integers(1, 4)), replace=False)
            )
    with db.engine.begin() as conn:
        for start in range(0, len(questions), 10_000):
            conn.execute(sa.insert(Question), questions[start : start + 10_000])
        conn.execute(sa.insert(Attempt), attempts)
        conn.execute(question_skills.insert(), tags)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("SELECT setval('questions_id_seq', (SELECT max(id) FROM questions))"))
            conn.execute(sa.text("ANALYZE"))


def start_workers(count: int, env: dict, folder: Path) -> list[subprocess.Popen]:
    """Start the RQ workers, as production runs them (`flask worker`), and wait until all
    of them listen."""
    log = folder / "workers.log"
    processes = [start_worker(env, log) for _ in range(count)]
    connection = redis.Redis.from_url(env["REDIS_URL"])
    deadline = time.monotonic() + 60
    while Worker.count(connection=connection) < count:
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            stop_processes(processes)
            raise SystemExit(f"The workers did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    connection.close()
    return processes


class CpuMeter:
    """CPU seconds the workers and the database's server processes spend from `start` to
    `stop`. PostgreSQL's backends come and go, so those of the benchmark's database are
    looked at every 50 ms, each counted from its first sight (or from `start`)."""

    def __init__(self, workers: list[subprocess.Popen], database: str | None):
        self.workers = [psutil.Process(w.pid) for w in workers]
        self.database = database
        self.backends: dict[int, tuple[float, float]] = {}  # pid: (first seen, last seen)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    def _look(self) -> None:
        if self.database is None:
            return
        for process in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            if f" {self.database} " not in f"{cmdline} ":
                continue
            try:
                cpu = self._cpu(process)
            except psutil.Error:
                continue
            first, _ = self.backends.get(process.pid, (cpu, cpu))
            self.backends[process.pid] = (first, cpu)

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            self._look()

    def start(self) -> None:
        self._look()
        self.started = [self._cpu(w) for w in self.workers]
        self.thread.start()

    def stop(self) -> tuple[float, float]:
        """(worker CPU seconds, database CPU seconds) since start."""
        self._look()
        self.done.set()
        self.thread.join()
        workers = sum(self._cpu(w) - s for w, s in zip(self.workers, self.started, strict=True))
        return workers, sum(last - first for first, last in self.backends.values())


def wait_until_delivered(messages, expected: int, queues, seconds: float = 900) -> bool:
    """Wait until the SMTP server has accepted `expected` emails; False if a job failed or
    the time ran out first."""
    deadline = time.monotonic() + seconds
    while messages.value < expected:
        if time.monotonic() > deadline or any(q.failed_job_registry.count for q in queues.values()):
            return False
        time.sleep(0.02)
    return True


def run(url: str, label: str) -> tuple[float, float]:
    """Fill one database, then time the periodic job's whole work: finding the mentors whose
    digest is due, composing and recording the digests in batches, and delivering them."""
    with (
        tempfile.TemporaryDirectory() as name,
        bench_redis(Path(name)) as redis_url,
        smtp_sink() as (port, messages, connections),
    ):
        folder = Path(name)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        with app.app_context():
            upgrade()
            now = datetime.now(UTC)
            started = time.perf_counter()
            fill(np.random.default_rng(SEED), now)
            report(f"digest_fill_s_{label}", round(time.perf_counter() - started, 1), "s")
            expected = len(due_mentors(now))
            db.session.remove()
        env = app_env(
            url,
            redis_url,
            UNSTUCK_ENV="production",
            SECRET_KEY="bench",
            BASE_URL="https://unstuck.example",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(port),
            MAIL_DOMAIN="unstuck.example",
        )
        workers = start_workers(WORKERS[label], env, folder)
        meter = CpuMeter(workers, BENCH_DATABASE if label == "postgres" else None)
        try:
            with app.app_context():
                meter.start()
                started_at = datetime.now(UTC)
                started = time.perf_counter()
                enqueue(send_due_digests)  # what the scheduler does every few minutes
                delivered = wait_until_delivered(messages, expected, app.extensions["jobs"].queues)
                total = time.perf_counter() - started
                for _ in range(300):  # the last batch's outcome is written just after it went
                    recorded, last_recorded, sent = db.session.execute(
                        sa.select(
                            sa.func.count(),
                            sa.func.max(OutboundMail.created_at),
                            sa.func.count().filter(OutboundMail.status == MailStatus.SENT),
                        ).where(OutboundMail.kind == "digest")
                    ).one()
                    db.session.rollback()
                    if sent >= messages.value:
                        break
                    time.sleep(0.1)
                worker_cpu, database_cpu = meter.stop()
                db.session.remove()
                db.engine.dispose()
        finally:
            stop_processes(workers)
            app.extensions["jobs"].connection.close()
        if not delivered:
            raise SystemExit(
                f"Only {messages.value} of {expected} digests arrived. The workers said:\n"
                f"{(folder / 'workers.log').read_text()[-3000:]}"
            )
        report(f"digest_mentors_due_{label}", expected)
        report(f"digest_workers_{label}", WORKERS[label])
        report(f"digest_recorded_s_{label}", round((last_recorded - started_at).total_seconds(), 2), "s")
        report(f"digest_total_s_{label}", round(total, 2), "s", TARGETS[label])
        report(f"digest_msgs_per_s_{label}", round(messages.value / total, 1), "msg/s")
        per_thousand = 1000 / max(1, messages.value)
        report(f"digest_cpu_worker_s_per_1000_{label}", round(worker_cpu * per_thousand, 2), "s")
        report(f"digest_cpu_database_s_per_1000_{label}", round(database_cpu * per_thousand, 2), "s")
        report(f"digest_cpu_s_per_1000_{label}", round((worker_cpu + database_cpu) * per_thousand, 2), "s")
        report(f"digest_mails_delivered_{label}", f"{messages.value}/{recorded} (sent in the log: {sent})")
        report(f"digest_smtp_connections_{label}", connections.value)
        return round(total, 2), round(messages.value / total, 1)


def main() -> None:
    labels = [a for a in sys.argv[1:] if a in WORKERS] or ["sqlite", "postgres"]
    if "sqlite" in labels:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.db", "sqlite")
    if "postgres" in labels:
        total, rate = run(empty_postgres_database(BENCH_DATABASE), "postgres")
        # The headline figures are production's: PostgreSQL, a worker per core. SQLite, the
        # development database, takes one writer at a time, so it runs one worker.
        report("digest_total_s", total, "s", TARGETS["postgres"])
        report("digest_msgs_per_s", rate, "msg/s")


if __name__ == "__main__":
    main()
