"""Benchmark: ranking mentors for a stuck question among 10,000 mentors; and end to end,
500 questions asked through the HTTP API at a steady 20 per second, routed by real workers
on a real Redis. Run: python -m tests.bench.routing

The end-to-end part runs the app as production does: gunicorn for the web, `flask worker`
processes (with the scheduler) for the jobs, PostgreSQL for the data. PostgreSQL is the
server of BENCH_DATABASE_URL, else of TEST_DATABASE_URL, else the local one, always in its
own database `unstuck_bench_routing` (emptied first); Redis is BENCH_REDIS_URL's (emptied
first), else an embedded one. The time measured runs from the moment the asker has the
API's answer to the moment routing saved the question's first attempt.
"""

import http.client
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask_migrate import upgrade

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.help.models import Question
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key
from config import TestConfig
from matching.ranking import Helper, Need, RoutingRules, prepare_helpers, rank
from tests.bench._common import (
    ZONES,
    bench_redis,
    empty_postgres_database,
    loopback_env,
    percentile,
    report,
    start_web,
    start_worker,
    stop_processes,
    wait_for_web,
)
from tests.smtp import free_port

SEED = 20261121
SKILLS = [f"skill-{n:02d}" for n in range(40)]


def helpers(rng, count: int) -> list[Helper]:
    """Generate mentors with skills, hours, loads and reply speeds."""
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    result = []
    for j in range(count):
        start = int(rng.integers(7, 11))
        result.append(
            Helper(
                id=j,
                team_id=int(rng.integers(0, 50)),
                timezone=str(rng.choice(ZONES)),
                work_start=clock(start),
                work_end=clock(start + 8),
                teaches={
                    str(s): int(rng.integers(2, 6)) for s in rng.choice(SKILLS, int(rng.integers(2, 8)), replace=False)
                },
                open_questions=int(rng.integers(0, 5)),
                max_open_questions=5,
                pings_today=int(rng.integers(0, 6)),
                median_reply_minutes=float(rng.integers(2, 300)) if rng.random() < 0.8 else None,
                last_asked_at=now - timedelta(minutes=int(rng.integers(1, 5000))),
                away=bool(rng.random() < 0.05),
            )
        )
    return result


def main() -> None:
    rng = np.random.default_rng(SEED)
    rules = RoutingRules()
    started = time.perf_counter()
    pool = prepare_helpers(helpers(rng, 10_000), rules)
    report("helper_pool_prepare_ms", round((time.perf_counter() - started) * 1000, 1), "ms")
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    timings = []
    for _ in range(500):
        need = Need(
            skills=frozenset(rng.choice(SKILLS, int(rng.integers(1, 3)), replace=False)),
            related=frozenset(rng.choice(SKILLS, 3, replace=False)),
            team_id=int(rng.integers(0, 50)),
            own_mentor_id=int(rng.integers(0, 10_000)),
            waited=timedelta(minutes=int(rng.integers(0, 200))),
        )
        started = time.perf_counter()
        rank(pool, need, now, rules)
        timings.append((time.perf_counter() - started) * 1000)
    report("rank_p50_ms", round(percentile(timings, 0.50), 3), "ms")
    report("rank_p95_ms", round(percentile(timings, 0.95), 3), "ms", "< 10 ms")
    end_to_end()


# End to end: asked through the HTTP API, routed by real workers on a real Redis.

ASKS = 500
ASKS_PER_SECOND = 20
E2E_SKILLS = [f"Topic {n}" for n in range(10)]
E2E_MENTORS = 300
E2E_ASKERS = 50
# As many web and worker processes as the machine has cores.
WEB_PROCESSES = WORKER_PROCESSES = max(2, os.cpu_count() or 2)
ROUTED_WAIT_S = 60
E2E_DATABASE = "unstuck_bench_routing"


def bench_database() -> str:
    """The end-to-end bench's own PostgreSQL database, emptied."""
    return empty_postgres_database(E2E_DATABASE)


def seed(app, rng) -> list[str]:
    """A team of askers and the mentors who teach the topics; return the askers' API tokens."""
    with app.app_context():
        upgrade()
        lead = User(email="lead@bench.example", name="Lead", roles=[Role.LEAD])
        team = Team(name="Bench", lead=lead)
        skills = [Skill(name=name, key=normalize_key(name)) for name in E2E_SKILLS]
        db.session.add_all([team, *skills])
        for j in range(E2E_MENTORS):
            mentor = User(
                email=f"mentor{j}@bench.example",
                name=f"Mentor {j}",
                roles=[Role.MENTOR],
                team=team if j % 10 == 0 else None,
                max_open_questions=10,
            )
            mentor.skills = [
                UserSkill(skill=skills[k], kind=SkillKind.TEACH, level=int(rng.integers(2, 6)))
                for k in rng.choice(len(skills), 3, replace=False)
            ]
            db.session.add(mentor)
        tokens = []
        for i in range(E2E_ASKERS):
            asker = User(email=f"asker{i}@bench.example", name=f"Asker {i}", roles=[Role.NEW_HIRE], team=team)
            db.session.add(asker)
            tokens.append(ApiToken.issue(asker, "bench")[1])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    # New hires set off mentor proposals; they are not what this measures.
    app.extensions["jobs"].connection.flushdb()
    return tokens


def ask_one(port: int, token: str, body: dict) -> tuple[int, datetime]:
    """Ask through the API; return the question's id and when the answer arrived."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/questions",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    payload = response.read()
    answered_at = datetime.now(UTC)
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"asking answered {response.status}: {payload[:300]!r}")
    return json.loads(payload)["id"], answered_at


def end_to_end() -> None:
    rng = np.random.default_rng(SEED)
    url = bench_database()
    with tempfile.TemporaryDirectory() as name, bench_redis(Path(name)) as redis_url:
        folder = Path(name)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        tokens = seed(app, rng)
        port = free_port()
        env = loopback_env(url, redis_url, port, folder, SECRET_KEY="bench")
        processes = [start_worker(env, folder / "worker.log") for _ in range(WORKER_PROCESSES)]
        web = start_web(port, WEB_PROCESSES, env, folder / "web.log")
        processes.append(web)
        try:
            wait_for_web(port, web, folder / "web.log")
            asked = ask_steadily(port, tokens, rng)
            routed = wait_until_routed(app, [question_id for question_id, _ in asked])
        finally:
            stop_processes(processes)
            app.extensions["jobs"].connection.close()
    # A question routed before its asker had the API's answer counts as no wait at all.
    waits = [max(0.0, (routed[qid] - answered_at).total_seconds()) for qid, answered_at in asked if qid in routed]
    report("ask_to_routed_p50_s", round(percentile(waits, 0.50), 3), "s")
    report("ask_to_routed_p95_s", round(percentile(waits, 0.95), 3), "s", "< 1 s")
    report("routed_count", len(routed), "", f"{ASKS} of {ASKS}")


def ask_steadily(port: int, tokens: list[str], rng) -> list[tuple[int, datetime]]:
    """Ask ASKS questions at a steady ASKS_PER_SECOND, each from its own connection."""
    bodies = [
        {
            "goal": f"Finish task {n}",
            "stuck": f"Step {n} fails with an error I cannot place.",
            "skills": [str(rng.choice(E2E_SKILLS))],
            "urgency": "blocking" if rng.random() < 0.3 else "can_wait",
        }
        for n in range(ASKS)
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        started = time.monotonic()
        futures = []
        for n, body in enumerate(bodies):
            # Keep the pace: each question leaves at its slot, whatever the earlier ones do.
            time.sleep(max(0.0, started + n / ASKS_PER_SECOND - time.monotonic()))
            futures.append(pool.submit(ask_one, port, tokens[n % len(tokens)], body))
        return [future.result() for future in futures]


def wait_until_routed(app, question_ids: list[int]) -> dict[int, datetime]:
    """When each question was routed, once all are (or ROUTED_WAIT_S has passed)."""
    deadline = time.monotonic() + ROUTED_WAIT_S
    query = sa.select(Question.id, Question.first_routed_at).where(
        Question.id.in_(question_ids), Question.first_routed_at.is_not(None)
    )
    with app.app_context():
        while True:
            routed = dict(db.session.execute(query).all())
            db.session.rollback()
            if len(routed) == len(question_ids) or time.monotonic() > deadline:
                break
            time.sleep(0.05)  # the workers write to the database; there is nothing to subscribe to
        db.session.remove()
        db.engine.dispose()
    return routed


if __name__ == "__main__":
    main()
