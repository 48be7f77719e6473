"""Benchmark: a realistic day. 1,000 people (800 new hires, 200 mentors, in ten teams) use
the HTTP API for 60 seconds, each acting every 5–30 s with the load run's mix — browse
their questions, read one, search the knowledge base, ask, and (mentors) answer — against
gunicorn on loopback, with a real `flask worker` routing what is asked, on PostgreSQL and a
real Redis, set up as the load run (tests/bench/load.py) sets up its own.
Run: python -m tests.bench.day

Where the load run measures how much the server can do, this one measures what people
feel on an ordinary busy day: each kind of request's p95, counted from the moment the
person meant to act (tests/bench/_day_people.py), so a server or simulator that falls
behind shows in it. The team's history is there to browse and search: 300 questions a
team, most answered and resolved, written straight into the database. Every question the
API said it saved (in the day or in the few seconds of warming up before it) must be in
the database and routed (or answered) by the end: `questions_lost` is 0.

As in the load run, rate limits and the cap on how often a mentor is asked in a day are
off. PostgreSQL is BENCH_DATABASE_URL's server, else TEST_DATABASE_URL's, else the local
one, in its own database `unstuck_bench_day` (emptied first); Redis is BENCH_REDIS_URL's
(emptied first), else an embedded one. DAY_SECONDS and DAY_PEOPLE shorten the run;
DAY_LOGS names a folder to keep the web server's and the worker's logs in.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import psutil
import sqlalchemy as sa
from flask_migrate import upgrade

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.factory import create_app
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, Urgency, Visibility
from app.help.search.index import kb_text
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key
from config import TestConfig
from tests.bench._common import (
    MachineWatch,
    bench_redis,
    cpu_seconds,
    database_processes,
    empty_postgres_database,
    loopback_env,
    percentile,
    report,
    start_web,
    start_worker,
    stop_processes,
    wait_for_web,
)
from tests.bench._day_people import SENDERS, THINK_S, DayTally, run_day
from tests.bench._load_people import TOPICS, Person
from tests.bench.load import WEB_PROCESSES, WEB_THREADS, Statistics
from tests.smtp import free_port

DATABASE = "unstuck_bench_day"
PEOPLE = int(os.environ.get("DAY_PEOPLE", "1000"))
DAY_SECONDS = float(os.environ.get("DAY_SECONDS", "60"))
TEAM_SIZE = 100
HISTORY_PER_TEAM = 300  # questions asked before the day
TARGET_P95_MS = 100
WINDOW_S = 10
# Before the day, and not counted, a few people warm the server up: its processes have
# served every kind of request before, as on a server that has been up for a while.
WARM_PEOPLE, WARM_SECONDS = 40, 5
LOST_WAIT_S = 600  # at most, for the worker to route what was asked
ACTIONS = ("browse", "read", "search", "ask", "answer")

SERVICES = ["billing", "search", "checkout", "accounts", "reports", "mobile", "ledger", "notices"]
GOALS = [
    "Deploy {topic} for the {service} service",
    "Set up the {topic} client in {service}",
    "Upgrade {topic} on the {service} service",
    "Find why {topic} times out in {service}",
]
STUCK = [
    "The {topic} step fails with a timeout after the deploy.",
    "The {topic} client keeps retrying and the {service} service never starts.",
    "After the deploy, {topic} refuses the connection from the service.",
    "The {topic} job passes locally, but in CI the client times out.",
]
ANSWERS = [
    "Raise the client timeout for {topic} and deploy again.",
    "The {service} service needs the {topic} credentials from the vault: ask for access.",
    "Restart the {topic} client after the deploy; it keeps the old address.",
]


class CpuMeter:
    """CPU time the run's processes use: the web server's, the worker's, the database's
    (its connections to the run's database) and the simulated people's own."""

    def __init__(self, web, worker) -> None:
        self.web, self.worker = psutil.Process(web.pid), psutil.Process(worker.pid)

    def processes(self) -> dict[str, list[psutil.Process]]:
        return {
            "web": [self.web, *self.web.children(recursive=True)],
            "worker": [self.worker, *self.worker.children(recursive=True)],  # with its scheduler
            "database": database_processes(DATABASE),
            "people": [psutil.Process()],
        }

    def seconds(self) -> dict[str, float]:
        return {name: cpu_seconds(processes) for name, processes in self.processes().items()}


def seed(app, count: int) -> list[Person]:
    """Teams of a hundred (four new hires to a mentor, the first mentor leading), their
    history of questions, and everyone's API token."""
    rng = random.Random(20261207)
    teams = [Team(name=f"Team {t}") for t in range(max(1, count // TEAM_SIZE))]
    hires: list[list[User]] = [[] for _ in teams]
    mentors: list[list[User]] = [[] for _ in teams]
    people = []
    with app.app_context():
        upgrade()
        skills = [Skill(name=name, key=normalize_key(name)) for name in TOPICS]
        db.session.add_all([*teams, *skills])
        mentor_count = max(1, count // 5)
        for j in range(mentor_count):
            t = j % len(teams)
            mentor = User(
                email=f"mentor{j}@day.example",
                name=f"Mentor {j}",
                roles=[Role.MENTOR] if mentors[t] else [Role.LEAD, Role.MENTOR],
                team=teams[t],
                max_open_questions=1000,
            )
            taught = rng.sample(skills, 3)
            mentor.skills = [UserSkill(skill=s, kind=SkillKind.TEACH, level=rng.randint(3, 5)) for s in taught]
            teams[t].lead = teams[t].lead or mentor
            mentors[t].append(mentor)
            people.append(Person(ApiToken.issue(mentor, "day")[1], "mentor", random.Random(j)))
        for i in range(count - mentor_count):
            hire = User(
                email=f"hire{i}@day.example", name=f"New Hire {i}", roles=[Role.NEW_HIRE], team=teams[i % len(teams)]
            )
            hires[i % len(teams)].append(hire)
            people.append(Person(ApiToken.issue(hire, "day")[1], "new_hire", random.Random(100_000 + i)))
        db.session.commit()
        for n in range(HISTORY_PER_TEAM * len(teams)):
            t = n % len(teams)
            if hires[t]:
                db.session.add(past_question(rng, rng.choice(hires[t]), rng.choice(mentors[t]), skills))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    app.extensions["jobs"].connection.flushdb()  # proposals for the new hires are not measured
    return people


def past_question(rng: random.Random, asker: User, mentor: User, skills: list[Skill]) -> Question:
    """A question from the last four months: mostly answered and resolved (and published),
    some answered, a few still waiting for the mentor asked."""
    skill = rng.choice(skills)
    words = {"topic": skill.name, "service": rng.choice(SERVICES)}
    goal, stuck = rng.choice(GOALS).format(**words), rng.choice(STUCK).format(**words)
    answer = rng.choice(ANSWERS).format(**words)
    now, fate = utcnow(), rng.random()
    asked = now - timedelta(days=rng.uniform(1, 120))
    answered = asked + timedelta(hours=rng.uniform(0.2, 6))
    state = QuestionState.RESOLVED if fate < 0.85 else QuestionState.ANSWERED if fate < 0.95 else QuestionState.OPEN
    question = Question(
        asker_id=asker.id,
        team_id=asker.team_id,
        goal=goal,
        stuck=stuck,
        skills=[skill],
        urgency=Urgency.BLOCKING if rng.random() < 0.3 else Urgency.CAN_WAIT,
        state=state,
        visibility=rng.choices(list(Visibility), weights=[30, 55, 15])[0],
        created_at=asked,
        first_routed_at=asked + timedelta(minutes=1),
    )
    waiting = state == QuestionState.OPEN
    question.attempts = [
        Attempt(
            mentor_id=mentor.id,
            number=1,
            tier="teaches the skill",
            state=AttemptState.WAITING if waiting else AttemptState.ANSWERED,
            deadline_at=now + timedelta(days=3) if waiting else asked + timedelta(hours=8),
            notified_at=asked + timedelta(minutes=1),
            created_at=asked + timedelta(minutes=1),
            closed_at=None if waiting else answered,
        )
    ]
    if waiting:
        question.kb_text = kb_text(goal, stuck)
        return question
    question.posts = [Post(author_id=mentor.id, body=answer, via="web", created_at=answered)]
    question.first_reply_at = answered
    question.resolved_at = answered + timedelta(hours=1) if state == QuestionState.RESOLVED else None
    question.kb_text = kb_text(goal, stuck, [answer])
    return question


def count_lost(app, asked: list[int]) -> tuple[int, float]:
    """Questions the API said it saved that are missing, or still open and never routed,
    once the worker has nothing left to do (its queues empty, no job running); and how many
    seconds after the day that was: on a busy machine routing comes late, which is not
    losing a question. A team's lead sees its new questions and may answer one before it
    is routed: it needs no routing then."""
    started, idle_since = time.monotonic(), None
    jobs = app.extensions["jobs"]
    with app.app_context():
        while True:
            handled = sa.or_(Question.first_routed_at.is_not(None), Question.state != QuestionState.OPEN)
            query = sa.select(sa.func.count()).select_from(Question).where(Question.id.in_(asked), handled)
            routed = (db.session.scalar(query) or 0) if asked else 0
            db.session.rollback()
            busy = any(q.count or q.started_job_registry.count for q in jobs.queues.values())
            idle_since = None if busy else idle_since or time.monotonic()
            waited = time.monotonic() - started
            if routed == len(asked) or (idle_since and time.monotonic() - idle_since > 2) or waited > LOST_WAIT_S:
                break
            time.sleep(0.2)  # the worker writes to the database; there is nothing to subscribe to
        db.session.remove()
        db.engine.dispose()
    return len(asked) - routed, waited


def main() -> None:
    url = empty_postgres_database(DATABASE)
    with tempfile.TemporaryDirectory() as name, bench_redis(Path(name)) as redis_url:
        folder = Path(os.environ.get("DAY_LOGS") or name)  # DAY_LOGS keeps the servers' logs there
        folder.mkdir(parents=True, exist_ok=True)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        people = seed(app, PEOPLE)
        port = free_port()
        env = loopback_env(
            url, redis_url, port, folder, SECRET_KEY="day", RATELIMIT_ENABLED="false", MAX_PINGS_PER_DAY="1000000"
        )
        worker = start_worker(env, folder / "worker.log")
        web = start_web(port, WEB_PROCESSES, env, folder / "web.log", threads=WEB_THREADS)
        try:
            wait_for_web(port, web, folder / "web.log", seconds=120)  # a busy machine starts slowly
            meter = CpuMeter(web, worker)
            with Statistics(url):
                warm = run_day(port, people[:: max(1, len(people) // WARM_PEOPLE)], WARM_SECONDS, meter, think=(1, 2))
                lost_warming, _ = count_lost(app, warm.asked)  # the worker is idle when the day starts
                with MachineWatch() as machine:
                    day = run_day(port, people, DAY_SECONDS, meter)
                here = psutil.Process()  # and the web, the worker and Redis, started from here
                ours = {p.pid for p in [here, *here.children(recursive=True)]}
            lost, late = count_lost(app, day.asked)
            # The worker's CPU until it had routed the day's questions, however late.
            day.cpu["worker"] = meter.seconds()["worker"] - day.cpu_before["worker"]
        finally:
            stop_processes([web, worker])
            app.extensions["jobs"].connection.close()
    print_day(day, len(people), lost_warming + lost)
    report("day_routing_done_s", round(late, 1), "s after the day until the worker had routed what it could")
    print_machine(machine, ours)


def print_day(day: DayTally, people: int, lost: int) -> None:
    lag = day.lag_ms
    report("day_people", people, f"people, each acting every {THINK_S[0]:g}-{THINK_S[1]:g} s")
    report("day_seconds", round(day.seconds, 1), "s")
    report("day_rps", round(day.requests / day.seconds, 1), "req/s")
    for action in ACTIONS:
        latencies = day.by_action.get(action, [])
        report(
            f"day_p95_ms_{action}",
            round(percentile(latencies, 0.95), 1),
            f"ms from the moment it was due ({len(latencies)} requests)",
            f"< {TARGET_P95_MS} ms",
        )
    every = [ms for latencies in day.by_action.values() for ms in latencies]
    report("day_p50_ms", round(percentile(every, 0.50), 1), "ms, every request")
    report("day_p95_ms", round(percentile(every, 0.95), 1), "ms, every request")
    report("day_p99_ms", round(percentile(every, 0.99), 1), "ms, every request")
    windows: list[list[float]] = [[] for _ in range(max(1, math.ceil(day.seconds / WINDOW_S)))]
    for due, ms in day.timeline:
        windows[min(len(windows) - 1, int((due - day.start) // WINDOW_S))].append(ms)
    shown = " ".join(f"{percentile(w, 0.95):.0f}" for w in windows)
    report(f"day_p95_ms_by_{WINDOW_S}s", shown, "ms, by when the requests fell due (the machine's hiccups show)")
    report("day_errors", len(day.errors), "", "0")
    if day.errors:
        print("  first errors:", sorted(set(day.errors))[:5], flush=True)
    report("questions_asked", len(day.asked))
    report("questions_lost", lost, "", "0")
    report("day_scheduler_lag_p95_ms", round(percentile(lag, 0.95), 2), f"ms late to start ({SENDERS} senders)")
    report("day_scheduler_lag_max_ms", round(max(lag, default=0.0), 2), "ms")
    waited = f"above {SENDERS}, some waited for a free sender"
    report("day_in_flight_max", day.in_flight_max, f"requests due and unanswered at once ({waited})")
    report("day_connections_opened", day.connections, f"for {day.requests} requests")
    report("day_connections_retried", day.retries, "requests sent again after an idle connection closed")
    for name, seconds in day.cpu.items():
        report(f"day_cpu_{name}_ms", round(seconds * 1000 / max(1, day.requests), 2), "ms of CPU per request")
    server = sum(seconds for name, seconds in day.cpu.items() if name != "people")
    report("day_server_cores", round(server / day.elapsed, 2), "cores busy (web, database and worker)")
    report("day_capacity_per_core_rps", round(day.requests / max(1e-9, server), 1), "req/s per core of server CPU")


def print_machine(machine: MachineWatch, ours: set[int]) -> None:
    """What else the machine did meanwhile: with other work on it, the p95s are worse."""
    report("machine_cores", psutil.cpu_count() or 0)
    report("machine_busy_percent", round(100 * machine.busy_share(), 1), "% of all cores during the day")
    report("machine_load_average", " ".join(f"{x:.2f}" for x in machine.load_average), "(1, 5, 15 min)")
    for rank, (label, seconds) in enumerate(machine.others(ours, DATABASE), 1):
        report(f"machine_other_{rank}", round(seconds, 1), f"s of CPU: {label}")


if __name__ == "__main__":
    main()
