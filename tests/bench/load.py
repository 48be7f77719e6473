"""Benchmark: a bounded load run. 50 simulated people (40 new hires, 10 mentors) use the HTTP
API for 60 seconds with a realistic mix — browse their questions, read one, search the
knowledge base, ask, and (mentors) answer — against gunicorn on loopback, with a real
`flask worker` routing what is asked, on PostgreSQL and a real Redis.
Run: python -m tests.bench.load  (or `make load`)

Each simulated person works without pause (a closed loop), so the run measures how much the
server does, not how fast people type. In the same run, the same people call a trivial
endpoint (`/health`, no database) on the same server for a while: that is the ceiling the
machine allows, and the mix should reach at least LOAD_TO_CEILING of it. The CPU each
process spends per request of the mix is printed beside its target (CPU_TARGETS_MS): it
is steadier than the rates when other work shares the machine. Every question the API
said it saved must be in the database and routed by the end: `questions_lost` must be 0.

Rate limits are turned off for the run, and so is the cap on how often a mentor is asked in
a day: they guard people, not a load test (ten mentors get hundreds of questions a minute).
Where the server's autovacuum is off, the run analyses its tables every 10 seconds instead.
PostgreSQL is BENCH_DATABASE_URL's server, else TEST_DATABASE_URL's, else the local one, in
its own database `unstuck_bench_load` (emptied first); Redis is BENCH_REDIS_URL's (emptied
first), else an embedded one. LOAD_SECONDS and CEILING_SECONDS shorten the run;
WEB_PROCESSES and WEB_THREADS try other gunicorn settings.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from pathlib import Path

import psutil
import sqlalchemy as sa
from flask_migrate import upgrade

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.help import thread
from app.help.models import Question, Visibility
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key
from config import TestConfig
from tests.bench._common import (
    bench_redis,
    cpu_seconds,
    empty_postgres_database,
    loopback_env,
    percentile,
    report,
    start_web,
    start_worker,
    stop_processes,
    wait_for_web,
)
from tests.bench._load_people import TOPICS, Person, act, run_people, trivial
from tests.smtp import free_port

DATABASE = "unstuck_bench_load"
PEOPLE_NEW_HIRES, PEOPLE_MENTORS = 40, 10
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
CEILING_SECONDS = float(os.environ.get("CEILING_SECONDS", "15"))
# As the README runs it in production: a process per core, four threads each.
WEB_PROCESSES = int(os.environ.get("WEB_PROCESSES", max(2, os.cpu_count() or 2)))
WEB_THREADS = int(os.environ.get("WEB_THREADS", "4"))
ROUTED_WAIT_S = 90
# What the mix may cost, in CPU per request: the web processes, and the server's processes
# together (web, worker and database; the simulated people are the clients).
SERVER = ("web", "worker", "database")
CPU_TARGETS_MS = {"web": 4, "server": 8}
LOAD_TO_CEILING = 0.15  # the mix reaches at least this share of the trivial endpoint's rate


class CpuMeter:
    """CPU time the run's processes use: the web server's, the worker's, the database's
    (its connections to the run's database) and the simulated people's own."""

    def __init__(self, web, worker) -> None:
        self.web, self.worker = psutil.Process(web.pid), psutil.Process(worker.pid)

    def seconds(self) -> dict[str, float]:
        database = [p for p in psutil.process_iter(["cmdline"]) if DATABASE in " ".join(p.info["cmdline"] or ())]
        return {
            "web": cpu_seconds([self.web, *self.web.children(recursive=True)]),
            "worker": cpu_seconds([self.worker]),
            "database": cpu_seconds(database),
            "people": cpu_seconds([psutil.Process()]),
        }


def seed(app) -> list[Person]:
    """A team of new hires and mentors who teach its topics, a knowledge base to search,
    and everyone's API token."""
    rng = random.Random(20261121)
    with app.app_context():
        upgrade()
        lead = User(email="lead@load.example", name="Lead", roles=[Role.LEAD, Role.MENTOR])
        team = Team(name="Load", lead=lead)
        lead.team = team
        skills = [Skill(name=name, key=normalize_key(name)) for name in TOPICS]
        db.session.add_all([team, *skills])
        people = []
        for j in range(PEOPLE_MENTORS):
            mentor = User(
                email=f"mentor{j}@load.example",
                name=f"Mentor {j}",
                roles=[Role.MENTOR],
                team=team,
                max_open_questions=1000,
            )
            mentor.skills = [UserSkill(skill=s, kind=SkillKind.TEACH, level=rng.randint(3, 5)) for s in skills]
            db.session.add(mentor)
            people.append(Person(ApiToken.issue(mentor, "load")[1], "mentor", random.Random(j)))
        hires = []
        for i in range(PEOPLE_NEW_HIRES):
            hire = User(email=f"hire{i}@load.example", name=f"New Hire {i}", roles=[Role.NEW_HIRE], team=team)
            db.session.add(hire)
            hires.append(hire)
            people.append(Person(ApiToken.issue(hire, "load")[1], "new_hire", random.Random(100 + i)))
        db.session.commit()
        # A knowledge base worth searching: answered and resolved questions of the team.
        for n in range(300):
            hire = hires[n % len(hires)]
            question = Question(
                asker_id=hire.id,
                team_id=team.id,
                goal=f"Set up {TOPICS[n % 6]} for service {n}",
                stuck=f"The {TOPICS[n % 6]} step {n} fails with a timeout after the deploy.",
                skills=[skills[n % 6]],
                visibility=Visibility.ANONYMOUS,
            )
            db.session.add(question)
        db.session.commit()
        for question in db.session.scalars(sa.select(Question)).all():
            thread.post_answer(question.id, lead.id, f"Raise the client timeout for {question.goal.lower()}.")
            thread.resolve(question.id, question.asker_id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    app.extensions["jobs"].connection.flushdb()  # proposals for the new hires are not measured
    return people


class Statistics:
    """Keeps the planner's statistics as fresh as autovacuum would while the tables grow from
    a few hundred rows, where this server's autovacuum is off (as on test machines): with
    the statistics of an empty table, routing's queries take nested loops that cost 40 ms."""

    EVERY_S = 10

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        self.stop = threading.Event()
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")  # what autovacuum does after the seeding
            autovacuum = conn.exec_driver_sql("SHOW autovacuum").scalar() == "on"
        self.thread = None if autovacuum else threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        if self.thread:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread:
            self.thread.join()
        self.engine.dispose()

    def _run(self) -> None:
        while not self.stop.wait(self.EVERY_S):
            with self.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")


def count_lost(app, asked: list[int]) -> tuple[int, int]:
    """Questions the API said it saved that are missing or never routed, once routing had
    ROUTED_WAIT_S to catch up; and how many of them are missing altogether."""
    deadline = time.monotonic() + ROUTED_WAIT_S
    with app.app_context():
        while True:
            routed = (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Question)
                    .where(Question.id.in_(asked), Question.first_routed_at.is_not(None))
                )
                if asked
                else 0
            )
            db.session.rollback()
            if routed == len(asked) or time.monotonic() > deadline:
                break
            time.sleep(0.2)  # the worker writes to the database; there is nothing to subscribe to
        saved = (
            db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.id.in_(asked)))
            if asked
            else 0
        )
        db.session.remove()
        db.engine.dispose()
    return len(asked) - routed, len(asked) - saved


def main() -> None:
    url = empty_postgres_database(DATABASE)
    with tempfile.TemporaryDirectory() as name, bench_redis(Path(name)) as redis_url:
        folder = Path(name)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        people = seed(app)
        port = free_port()
        env = loopback_env(
            url, redis_url, port, folder, SECRET_KEY="load", RATELIMIT_ENABLED="false", MAX_PINGS_PER_DAY="1000000"
        )
        worker = start_worker(env, folder / "worker.log")
        web = start_web(port, WEB_PROCESSES, env, folder / "web.log", threads=WEB_THREADS)
        try:
            wait_for_web(port, web, folder / "web.log")
            meter = CpuMeter(web, worker)
            ceiling = run_people(port, people, CEILING_SECONDS, trivial, meter)
            with Statistics(url):
                load = run_people(port, people, LOAD_SECONDS, act, meter)
            lost, missing = count_lost(app, load.asked)
        finally:
            stop_processes([web, worker])
            app.extensions["jobs"].connection.close()
    load_rps = len(load.latencies_ms) / load.elapsed
    ceiling_rps = len(ceiling.latencies_ms) / ceiling.elapsed
    report("load_people", len(people), "simulated people")
    report("load_seconds", round(load.elapsed, 1), "s")
    report("load_rps", round(load_rps, 1), "req/s")
    report("load_p50_ms", round(percentile(load.latencies_ms, 0.50), 1), "ms")
    report("load_p95_ms", round(percentile(load.latencies_ms, 0.95), 1), "ms")
    report("load_p99_ms", round(percentile(load.latencies_ms, 0.99), 1), "ms")
    report("load_errors", len(load.errors), "", "0")
    if load.errors:
        print("  first errors:", sorted(set(load.errors))[:5], flush=True)
    report("questions_asked", len(load.asked))
    report("questions_lost", lost, f"(missing: {missing}; the rest not routed within {ROUTED_WAIT_S} s)", "0")
    report("ceiling_rps", round(ceiling_rps, 1), "req/s (GET /health, same server and people)")
    report("ceiling_errors", len(ceiling.errors), "", "0")
    report("load_to_ceiling_ratio", round(load_rps / ceiling_rps, 3), "", f">= {LOAD_TO_CEILING}")
    # Where the time goes: each kind of request's latency, and the CPU each process spent
    # per request (the machine's cores are shared by all of them).
    for action, latencies in sorted(load.by_action.items()):
        report(f"load_{action}_p50_ms", round(percentile(latencies, 0.50), 1), f"ms ({len(latencies)} requests)")
    for phase, tally in (("load", load), ("ceiling", ceiling)):
        per_request = {name: seconds * 1000 / max(1, len(tally.latencies_ms)) for name, seconds in tally.cpu.items()}
        for name, ms in per_request.items():
            target = CPU_TARGETS_MS.get(name, "") if phase == "load" else ""
            report(f"{phase}_cpu_{name}_ms", round(ms, 2), "ms of CPU per request", target and f"<= {target}")
        server = sum(ms for name, ms in per_request.items() if name in SERVER)
        report(
            f"{phase}_cpu_server_ms",
            round(server, 2),
            "ms of CPU per request (web, worker and database together)",
            f"<= {CPU_TARGETS_MS['server']}" if phase == "load" else "",
        )


if __name__ == "__main__":
    main()
