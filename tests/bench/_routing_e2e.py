"""The routing benchmark's end-to-end part: questions asked through the HTTP API at a steady
pace, routed by real workers on a real Redis and PostgreSQL (see tests/bench/routing.py)."""

import cProfile
import http.client
import json
import pstats
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import psutil
import sqlalchemy as sa
from flask_migrate import upgrade
from rq import Worker
from rq.job import Job

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.help.ask import AskInput, ask_question
from app.help.models import Question
from app.help.routing import route_question
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key
from config import TestConfig
from tests.bench._common import (
    ZONES,
    bench_redis,
    empty_postgres_database,
    loopback_env,
    percentile,
    report,
    start,
    start_web,
    stop_processes,
    wait_for_web,
)
from tests.bench._timed_worker import COUNT_KEY, CPU_KEY
from tests.smtp import free_port

SEED = 20261121
ASKS = 500
ASKS_PER_SECOND = 20
E2E_SKILLS = [f"Topic {n}" for n in range(10)]
E2E_MENTORS = 300
E2E_ASKERS = 50
# A web process per core, as production runs it, and two workers per core: a routing job
# spends most of its time waiting on PostgreSQL, and with one worker per core the workers'
# pace came so close to the pace of asking that any other load on the cores (or a worker
# still starting) made a queue that grew for the rest of the run.
CORES = 2
WEB_PROCESSES = CORES
WORKER_PROCESSES = 2 * CORES
ROUTED_WAIT_S = 60
E2E_DATABASE = "unstuck_bench_routing"
ROUTE_JOB = "app.help.jobs.route_question_job"
# Mentors work every day in zones around the world, so that whatever the hour of the run,
# some of them are at work (and are mailed at once) and some are not.
EVERY_DAY = "0,1,2,3,4,5,6"


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
                timezone=ZONES[j % len(ZONES)],
                work_days=EVERY_DAY,
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


def questions(rng) -> list[dict]:
    """What the askers ask, as the API takes it."""
    return [
        {
            "goal": f"Finish task {n}",
            "stuck": f"Step {n} fails with an error I cannot place.",
            "skills": [str(rng.choice(E2E_SKILLS))],
            "urgency": "blocking" if rng.random() < 0.3 else "can_wait",
        }
        for n in range(ASKS)
    ]


def end_to_end(run: int, worker_processes: int = WORKER_PROCESSES) -> None:
    """One run: ASKS questions at ASKS_PER_SECOND through the API, and the figures."""
    rng = np.random.default_rng(SEED)
    url = empty_postgres_database(E2E_DATABASE)
    with tempfile.TemporaryDirectory() as name, bench_redis(Path(name)) as redis_url:
        folder = Path(name)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        tokens = seed(app, rng)
        connection = app.extensions["jobs"].connection
        port = free_port()
        env = loopback_env(url, redis_url, port, folder, SECRET_KEY="bench")
        command = [sys.executable, "-m", "tests.bench._timed_worker"]
        workers = [start(command, env, folder / "worker.log") for _ in range(worker_processes)]
        web = start_web(port, WEB_PROCESSES, env, folder / "web.log")
        try:
            wait_for_web(port, web, folder / "web.log", seconds=120)
            _wait_for_workers(connection, workers, folder / "worker.log")
            cpu_before = _cpu_seconds(workers)
            asked = ask_steadily(port, tokens, questions(rng))
            routed = wait_until_routed(app, [question_id for question_id, _ in asked])
            _wait_until_idle(app)
            worker_cpu = _cpu_seconds(workers) - cpu_before
            jobs = _route_jobs(app)
            cpu = {k.decode(): float(v) for k, v in connection.hgetall(CPU_KEY).items()}
            counts = {k.decode(): int(v) for k, v in connection.hgetall(COUNT_KEY).items()}
        finally:
            stop_processes([*workers, web])
            connection.close()
    # A question routed before its asker had the API's answer counts as no wait at all.
    timed = [(max(0.0, (routed[qid] - at).total_seconds()) * 1000, qid) for qid, at in asked if qid in routed]
    waits = [wait for wait, _ in timed]
    queued = [(job.started_at - job.enqueued_at).total_seconds() * 1000 for job in jobs.values()]
    running = [(job.ended_at - job.started_at).total_seconds() * 1000 for job in jobs.values()]
    late = sorted(timed, reverse=True)[:3]
    report(f"run_{run}_ask_to_routed_p50_ms", round(percentile(waits, 0.50), 1), "ms")
    report(f"run_{run}_ask_to_routed_p95_ms", round(percentile(waits, 0.95), 1), "ms", "<= 500 ms")
    report(f"run_{run}_ask_to_routed_max_ms", round(max(waits, default=float("nan")), 1), "ms")
    report(f"run_{run}_route_job_queued_p95_ms", round(percentile(queued, 0.95), 1), "ms")
    report(f"run_{run}_route_job_running_p95_ms", round(percentile(running, 0.95), 1), "ms")
    report(f"run_{run}_routed_count", len(routed), "", f"{ASKS} of {ASKS}")
    report(f"run_{run}_worker_cpu_ms_per_question", round(worker_cpu * 1000 / ASKS, 2), "ms")
    routed_jobs = counts.get(ROUTE_JOB, 0)
    if routed_jobs:
        report(
            f"run_{run}_routing_cpu_ms_per_question",
            round(cpu[ROUTE_JOB] * 1000 / routed_jobs, 2),
            "ms",
            "<= 5 ms",
        )
    for func in sorted(counts):
        print(f"  jobs {func}: {counts[func]} run, {cpu[func] * 1000 / counts[func]:.2f} ms CPU each", flush=True)
    print(f"  slowest (ms, question): {[(round(w), qid) for w, qid in late]}", flush=True)
    first: dict[str, float] = {}
    for job in sorted(jobs.values(), key=lambda job: job.started_at):
        first.setdefault(job.worker_name, (job.ended_at - job.started_at).total_seconds() * 1000)
    print(f"  each worker's first routing job (ms): {sorted(round(ms) for ms in first.values())}", flush=True)
    # The longest wait among each 50 questions, in the order they were asked: a tail at the
    # start is a cold worker, one that grows is a queue the workers cannot keep up with.
    print(f"  longest wait per 50 asked (ms): {[round(max(waits[k : k + 50])) for k in range(0, len(waits), 50)]}")


def _wait_for_workers(connection, workers, log: Path, seconds: float = 120) -> None:
    """Return once every worker has started and listens on its queues: the CPU and the waits
    measured are those of the run, not of starting up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError(f"a worker stopped:\n{log.read_text()[-2000:]}")
        if Worker.count(connection=connection) >= len(workers):
            return
        time.sleep(0.1)  # RQ registers a worker in Redis; there is nothing to wait on
    raise RuntimeError("the workers did not start")


def _cpu_seconds(processes) -> float:
    """User and system CPU of the processes and their children so far."""
    total = 0.0
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            for each in [parent, *parent.children(recursive=True)]:
                times = each.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:  # a scheduler process that ended meanwhile
            continue
    return total


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


def ask_steadily(port: int, tokens: list[str], bodies: list[dict]) -> list[tuple[int, datetime]]:
    """Ask the questions at a steady ASKS_PER_SECOND, each from its own connection."""
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


def _wait_until_idle(app) -> None:
    """Once the jobs routing started (its mails, say) are done too: queues empty, nothing running."""
    jobs = app.extensions["jobs"]
    deadline = time.monotonic() + ROUTED_WAIT_S
    while time.monotonic() < deadline:
        busy = sum(queue.count + queue.started_job_registry.count for queue in jobs.queues.values())
        if not busy:
            return
        time.sleep(0.05)  # RQ has nothing to wait on for an empty queue


def _route_jobs(app) -> dict[int, Job]:
    """The routing jobs the workers finished, by question id, with RQ's own times."""
    jobs = app.extensions["jobs"]
    found = {}
    for queue in jobs.queues.values():
        ids = queue.finished_job_registry.get_job_ids()
        for job in Job.fetch_many(ids, connection=jobs.connection):
            if job is not None and job.func_name == ROUTE_JOB:
                found[job.args[0]] = job
    return found


def profile(count: int = 300) -> None:
    """Route `count` questions in this process under cProfile and print where the CPU goes."""
    rng = np.random.default_rng(SEED)
    url = empty_postgres_database(E2E_DATABASE)
    with tempfile.TemporaryDirectory() as name, bench_redis(Path(name)) as redis_url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
        seed(app, rng)
        with app.app_context():
            askers = db.session.scalars(sa.select(User.id).where(User.email.like("asker%"))).all()
            ids = []
            for n, body in enumerate(questions(rng)[:count]):
                data = AskInput(body["goal"], body["stuck"], urgency=body["urgency"], skills=tuple(body["skills"]))
                ids.append(ask_question(askers[n % len(askers)], data).id)
            db.session.remove()
            app.extensions["jobs"].connection.flushdb()  # the jobs are run here, by hand
            warm = 20
            for question_id in ids[:warm]:
                route_question(question_id)
                db.session.commit()
            profiler = cProfile.Profile(time.process_time)
            started = time.process_time()
            profiler.enable()
            for question_id in ids[warm:]:
                route_question(question_id)
                db.session.commit()
            profiler.disable()
            spent = time.process_time() - started
            db.session.remove()
        app.extensions["jobs"].connection.close()
    report("routing_cpu_ms_per_question_profiled", round(spent * 1000 / (count - warm), 2), "ms")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"/(app|matching)/", 40)
