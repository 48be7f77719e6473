"""Benchmark: knowledge-base search over 100,000 answered questions, on SQLite and PostgreSQL.

Run: python -m tests.bench.search  [--keep]

The questions are generated with a fixed seed (see Words: stop words, work words and a long
tail of identifiers, drawn as in written language) and all belong to one team, so every
search looks among all 100,000. The searches are the knowledge-base page's (one to four
words, some with a skill) and the ask form's live panel (a whole question being written).
Each is timed as the page calls it: ranked ids, then the entries with skills and threads.

The knowledge base is built once per database (not timed, then vacuumed and analyzed as
autovacuum would) and searched in RUNS runs of their own searches; each run prints its p95
against the target, and the CPU time a search costs the app and the database server (steady
where wall-clock time is not, on a busy machine).

PostgreSQL: the server of TEST_DATABASE_URL, else the local one (postgres@127.0.0.1), always
in its own database `unstuck_bench_search` (created if missing, emptied before it is built),
never the test database. With --keep, a knowledge base already built (PostgreSQL's, and
SQLite's in KEEP_SQLITE) is searched again rather than built anew.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app.extensions import db
from app.factory import create_app
from app.help.models import Post, Question, question_skills
from app.help.search import search_knowledge
from app.people.models import Skill, Team, User
from config import TestConfig, database_url
from tests.bench._common import SKILLS, empty_postgres_database, percentile, report

SEED = 20261121
QUESTIONS = 100_000
BATCH = 10_000
SEARCHES = 400
WARM_UP = 40
RUNS = 3  # each with searches of its own, on the same knowledge base
BENCH_DATABASE = "unstuck_bench_search"
KEEP_SQLITE = os.path.join(tempfile.gettempdir(), "unstuck_bench_search.db")
TARGET = "<= 25 ms"

TECH = """
api endpoint request response timeout retry webhook payload schema migration alembic table column
index query join transaction deadlock lock replica backup restore postgres sqlite redis queue worker
job cron scheduler deploy deployment pipeline build artifact docker image container kubernetes pod
helm chart cluster node namespace ingress certificate tls dns proxy nginx gateway load balancer
latency throughput memory leak cpu profile trace log logging metric dashboard alert grafana
prometheus sentry exception stack traceback error warning crash bug fix patch release version branch
merge rebase commit review pull conflict test fixture mock flaky coverage lint formatter typing
python django flask fastapi celery pandas numpy notebook model training dataset feature pipeline
airflow dbt warehouse snowflake bigquery kafka topic partition consumer producer offset lag stream
spark batch etl csv json yaml config environment variable secret vault token oauth login session
cookie csrf cors permission role access admin user account password reset email smtp template
frontend react component hook state props redux router typescript javascript webpack vite bundle
css layout responsive mobile android ios swift kotlin gradle xcode simulator emulator push
notification analytics event tracking experiment flag rollout canary rollback incident outage
oncall pager runbook postmortem sla billing invoice payment stripe refund subscription plan tax
currency checkout cart order inventory shipping warehouse search elasticsearch ranking relevance
cache cdn upload download file storage bucket s3 terraform ansible aws gcp azure iam policy
network firewall vpn ssh key laptop setup onboarding wiki ticket jira sprint estimate backlog
design figma mockup accessibility translation locale timezone date calendar cronjob encoding utf
unicode regex parser serializer validation form field widget pagination sorting filter export
import report chart pdf printer monitor keyboard license audit compliance gdpr retention archive
""".split()
GENERAL = """
fails failing failed broken slow stuck missing wrong unexpected empty invalid duplicate stale
random intermittent local production staging customer team service script command function class
method module package library dependency upgrade downgrade install configure enable disable
create delete update rename move copy connect disconnect start stop restart run call send receive
read write parse render return raise catch handle check verify compare measure increase reduce
""".split()
STOP = """the to and a of in is it i that for on with this but not be when from my at as have
was are or so if after an by can do does it's get how what there which then they we you all
""".split()
LONG_TAIL = 30_000  # identifiers, error codes, names: most words of real questions are rare


class Words:
    """Draws text from one Zipf distribution (exponent 1, as in written language) over a
    ranked vocabulary: stop words first, then work words, then a long tail of identifiers
    and error codes. The most common work word is in about a fifth of the questions."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        common = list(dict.fromkeys(TECH + GENERAL))
        rng.shuffle(common)
        tail: set[str] = set()
        while len(tail) < LONG_TAIL:
            if rng.random() < 0.8:  # a class or service name such as InvoiceWorker
                first, second = rng.choice(len(TECH), 2, replace=False)
                tail.add(TECH[first].capitalize() + TECH[second].capitalize())
            else:  # an error code such as E4711
                tail.add(f"E{int(rng.integers(1000, 99999))}")
        self.vocab = np.array(STOP + common + sorted(tail))
        weights = 1.0 / np.arange(1, len(self.vocab) + 1)
        self.cdf = np.cumsum(weights) / weights.sum()
        content = weights[len(STOP) :]
        self.content_cdf = np.cumsum(content) / content.sum()

    def _draw(self, cdf: np.ndarray, count: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cdf, self.rng.random(count)), len(cdf) - 1)

    def text(self, count: int) -> str:
        return " ".join(self.vocab[self._draw(self.cdf, count)].tolist())

    def query(self, count: int) -> str:
        """Words a person types into a search box: no stop words."""
        return " ".join(self.vocab[self._draw(self.content_cdf, count) + len(STOP)].tolist())


def fill(words: Words, rng: np.random.Generator) -> int:
    """Insert a team, its people, the skills and the answered questions; return the team id."""
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with db.engine.begin() as conn:
        team_id = conn.execute(sa.insert(Team).values(name="Platform").returning(Team.id)).scalar_one()
        conn.execute(
            sa.insert(User),
            [{"email": f"person{n}@example.com", "name": f"Person {n}", "team_id": team_id} for n in range(300)],
        )
        people = conn.scalars(sa.select(User.id).order_by(User.id)).all()
        conn.execute(sa.insert(Skill), [{"name": s, "key": s.lower()} for s in SKILLS])
        skills = conn.scalars(sa.select(Skill.id)).all()
    postgres = db.engine.dialect.name == "postgresql"
    for start in range(0, QUESTIONS, BATCH):
        rows, posts, tags = [], [], []
        for n in range(start, start + BATCH):
            asked = now - timedelta(minutes=10 * (QUESTIONS - n) + int(rng.integers(0, 10)))  # two years
            goal = words.text(int(rng.integers(6, 13))).capitalize()
            stuck = words.text(int(rng.integers(25, 80)))
            answer = words.text(int(rng.integers(25, 100)))
            rows.append(
                {
                    "id": n + 1,
                    "asker_id": people[int(rng.integers(len(people)))],
                    "team_id": team_id,
                    "goal": goal,
                    "stuck": stuck,
                    "kb_text": f"{goal}\n\n{stuck}\n\n{answer}",
                    "link": "",
                    "page_title": "",
                    "urgency": "can_wait",
                    "state": "answered",
                    "visibility": "private" if rng.random() < 0.05 else "named",
                    "escalated": False,
                    "helpful_note": "",
                    "created_at": asked,
                    "resolved_at": asked + timedelta(hours=3),
                }
            )
            posts.append(
                {
                    "question_id": n + 1,
                    "author_id": people[0],
                    "body": answer,
                    "via": "web",
                    "created_at": asked + timedelta(hours=1),
                }
            )
            tags.extend(
                {"question_id": n + 1, "skill_id": int(s)}
                for s in rng.choice(skills, int(rng.integers(1, 4)), replace=False)
            )
        with db.engine.begin() as conn:
            if postgres:
                copy(conn, rows, posts, tags)
            else:
                conn.execute(sa.insert(Question), rows)
                conn.execute(sa.insert(Post), posts)
                conn.execute(question_skills.insert(), tags)
            # Resolved last, as in life: the triggers index each entry once, skills and all.
            conn.execute(
                sa.update(Question).where(Question.id.between(start + 1, start + BATCH)).values(state="resolved")
            )
    if postgres:
        with db.engine.begin() as conn:
            conn.execute(sa.text("SELECT setval('questions_id_seq', (SELECT max(id) FROM questions))"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return team_id


def copy(conn, rows, posts, tags) -> None:
    """Load a batch into PostgreSQL with COPY. The entries are not resolved yet, so the
    trigger that indexes an entry again when its skills change would find nothing to index:
    it is off while the skills load (it cost about 10 ms a row), and resolving the batch
    indexes each entry once, skills and all."""
    cursor = conn.connection.driver_connection.cursor()
    cursor.execute("ALTER TABLE question_skills DISABLE TRIGGER question_search_skills")
    for table, data in (("questions", rows), ("question_posts", posts), ("question_skills", tags)):
        columns = list(data[0])
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as pipe:
            for row in data:
                # Stored as naive UTC, as the models' UTCDateTime does.
                pipe.write_row(
                    [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in (row[c] for c in columns)]
                )
    cursor.execute("ALTER TABLE question_skills ENABLE TRIGGER question_search_skills")


def searches(words: Words, rng: np.random.Generator, skills: list[int]) -> list[tuple[str, tuple]]:
    """The page's searches (one to four words, a fifth with a skill) and the live panel's
    (a question being written: what I am trying to do, and where I am stuck)."""
    result = []
    for _ in range(SEARCHES + WARM_UP):
        if rng.random() < 0.3:
            result.append((words.text(int(rng.integers(6, 13))) + "\n" + words.text(int(rng.integers(25, 80))), ()))
        else:
            skill = (int(rng.choice(skills)),) if rng.random() < 0.2 else ()
            result.append((words.query(int(rng.integers(1, 5))), skill))
    return result


def server_cpu_file() -> str | None:
    """The scheduler's account of the database server process serving this app's connection
    (CPU time in nanoseconds, first), if the server runs on this machine."""
    if db.engine.dialect.name != "postgresql":
        return None
    path = f"/proc/{db.session.scalar(sa.text('SELECT pg_backend_pid()'))}/schedstat"
    return path if os.path.exists(path) else None


def server_cpu_ns(path: str | None) -> int:
    if path is None:
        return 0
    with open(path) as account:
        return int(account.read().split()[0])


def search_run(words: Words, rng: np.random.Generator, team_id: int, label: str, run_number: int) -> float:
    """Time one run of searches; print its figures and return its p95 in milliseconds.

    Besides wall-clock time, each search's CPU time, the app's and the database server's
    (which other work on the machine hardly changes), is counted."""
    skills = db.session.scalars(sa.select(Skill.id)).all()
    server = server_cpu_file()  # the pool keeps one connection: the same process throughout
    timings, cpu_timings, hits = [], [], []
    server_total = 0
    for n, (text, skill_ids) in enumerate(searches(words, rng, skills)):
        cpu, server_before = time.process_time_ns(), server_cpu_ns(server)
        started = time.perf_counter()
        found = search_knowledge(team_id, text, skill_ids, limit=10)
        elapsed = (time.perf_counter() - started) * 1000
        db.session.remove()  # a request ends: nothing cached in the session for the next one
        server_used = server_cpu_ns(server) - server_before
        if n >= WARM_UP:
            timings.append(elapsed)
            cpu_timings.append((time.process_time_ns() - cpu + server_used) / 1e6)
            server_total += server_used
            hits.append(len(found))
    name = f"kb_search_{label}_run{run_number}"
    p95 = percentile(timings, 0.95)
    report(f"{name}_p50_ms", round(percentile(timings, 0.50), 2), "ms")
    report(f"{name}_p95_ms", round(p95, 2), "ms", TARGET)
    report(f"{name}_cpu_p50_ms", round(percentile(cpu_timings, 0.50), 2), "ms")
    report(f"{name}_cpu_p95_ms", round(percentile(cpu_timings, 0.95), 2), "ms")
    if server is not None:
        report(f"{name}_server_cpu_ms_per_search", round(server_total / 1e6 / len(timings), 2), "ms")
    report(f"{name}_with_results", f"{sum(1 for h in hits if h)}/{len(hits)}")
    return p95


def built(url: str) -> int | None:
    """The team of a knowledge base this benchmark built already, if it is all there."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.scalar(sa.select(sa.func.count()).select_from(Question)) != QUESTIONS:
                return None
            return conn.scalar(sa.select(Team.id).where(Team.name == "Platform"))
    except sa.exc.DatabaseError:
        return None  # no tables yet
    finally:
        engine.dispose()


def run(url: str, label: str, keep: bool = False) -> None:
    """Build the knowledge base on one database (unless kept), then time RUNS runs of
    searches on it; print each run's figures and p95 beside the target."""
    team_id = built(url) if keep else None
    if team_id is None and url.startswith("postgresql"):
        url = postgres_url()
    elif team_id is None and os.path.exists(url.removeprefix("sqlite:///")):
        os.remove(url.removeprefix("sqlite:///"))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        rng = np.random.default_rng(SEED)
        words = Words(rng)
        if team_id is None:
            started = time.perf_counter()
            team_id = fill(words, rng)
            report(f"kb_fill_s_{label}", round(time.perf_counter() - started, 1), "s")
        p95s = [
            search_run(words, np.random.default_rng([SEED, number]), team_id, label, number)
            for number in range(1, RUNS + 1)
        ]
        report(f"kb_search_p95_ms_{label}", " / ".join(f"{p:.2f}" for p in p95s), "ms", f"{TARGET} in every run")
        db.engine.dispose()
    app.extensions["jobs"].connection.close()


def postgres_url() -> str:
    """The bench's own PostgreSQL database, emptied."""
    return empty_postgres_database(BENCH_DATABASE)


def postgres_url_kept() -> str:
    """The bench's own PostgreSQL database as it is (run() empties it if it is not built)."""
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1/postgres"
    )
    return make_url(database_url(base)).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def main() -> None:
    keep = "--keep" in sys.argv[1:]
    if keep:
        run(f"sqlite:///{KEEP_SQLITE}", "sqlite", keep=True)
        run(postgres_url_kept(), "postgres", keep=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", "sqlite")
    run(postgres_url(), "postgres")


if __name__ == "__main__":
    main()
