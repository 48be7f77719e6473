"""Benchmark: the lead's dashboard for one team over one quarter, with 100,000 questions and
50,000 feedback rows in the database, on SQLite and PostgreSQL.

Run: python -m tests.bench.dashboard
     python -m tests.bench.dashboard --profile sqlite   (or postgres: where one request of
     the busiest team spends its time, under cProfile; the database is kept and reused)

The data (a fixed seed) is two years of a company of 25 teams, up to today (21 November
2026). 24 teams carry the same load; one, the busiest, ten times as much, so a typical team
asks 100,000 / 34 ≈ 2,900 questions in two years, about 370 a quarter, and the busiest about
3,700 a quarter. Questions come on weekdays mostly, in working hours; a quarter of them
block; 93% get a reply (blocking ones in about 12 minutes, the others in about an hour and
a half, log-normally spread), most are resolved and rated, a few escalated; each is tagged
with one to three of 40 skills, each team asking about its own favourites. Mentors answer
unevenly (a few answer most). The 50,000 feedback rows are about 13,000 check-ins (both sides of
each mentorship every two weeks for its 90 days, most answered) and task feedback for the rest; besides them, 20,000
self-solves from the knowledge base, 1,250 mentorships and about 150,000 posts.

Timed: the page as a signed-in lead gets it through the test client (queries, metrics,
charts and template), for Q3 2026 beside Q2: the median of several requests after one
warm-up, for a typical team and, as information, for the busiest.

PostgreSQL: the server of TEST_DATABASE_URL, else the local one, always in its own database
`unstuck_bench_dashboard` (created if missing, emptied before each run), never the tests'.
Redis: BENCH_REDIS_URL (e.g. redis://127.0.0.1:6379/10) or an embedded one.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app.extensions import db
from app.factory import create_app
from app.help.models import Question
from app.people.models import Team
from config import TestConfig, database_url
from tests.bench._common import bench_redis, empty_postgres_database, report
from tests.bench._dashboard_company import QUESTIONS, SEED, TEAMS, Company, load

PERIOD = "2026-Q3"
PERIOD_START, PERIOD_END = datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
REQUESTS = 7
BENCH_DATABASE = "unstuck_bench_dashboard"
PASSWORD = "bench password"
TARGET = "< 300 ms"


def time_dashboard(app, team_id: int, lead_email: str) -> tuple[float, int]:
    """The page's median time in ms, and how many questions the team asked in the quarter."""
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": lead_email, "password": PASSWORD})
    assert signed_in.status_code == 302, "the lead could not sign in"
    url = f"/feedback/dashboard?team={team_id}&period={PERIOD}"
    first = client.get(url)  # warm-up: templates compiled, connections open
    assert first.status_code == 200 and "Q3 2026" in first.get_data(as_text=True), first.status_code
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with app.app_context():
        asked = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .where(Question.team_id == team_id, Question.created_at >= PERIOD_START, Question.created_at < PERIOD_END)
        )
    return statistics.median(times), asked


def run(url: str, label: str, redis_url: str, company: Company) -> None:
    """Load the company into one database and time the dashboard of a typical and of the busiest team."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load(company)
        report(f"dashboard_fill_s_{label}", round(time.perf_counter() - started, 1), "s")
        leads = {}
        for team_id in (1, TEAMS):
            team = db.session.get(Team, team_id)
            team.lead.set_password(PASSWORD)
            leads[team_id] = team.lead.email
        db.session.commit()
    typical_ms, typical_n = time_dashboard(app, 1, leads[1])
    busiest_ms, busiest_n = time_dashboard(app, TEAMS, leads[TEAMS])
    report(f"dashboard_questions_in_quarter_{label}", typical_n, "questions (a typical team, Q3 2026)")
    report(f"dashboard_ms_{label}", round(typical_ms, 1), "ms", TARGET)
    report(f"dashboard_questions_in_quarter_{label}_busiest_team", busiest_n, "questions (10x the load)")
    report(f"dashboard_ms_{label}_busiest_team", round(busiest_ms, 1), "ms")
    with app.app_context():
        db.engine.dispose()
    app.extensions["jobs"].connection.close()


def profile(label: str, redis_url: str) -> None:
    """Time both teams' pages and print where one request of the busiest team spends its time.

    The filled database is kept (SQLite in the temporary folder, PostgreSQL in the bench's own
    database) and reused while it holds the whole company, so a change can be measured again
    without generating the data anew."""
    if label == "sqlite":
        url = f"sqlite:///{Path(tempfile.gettempdir()) / 'unstuck_bench_dashboard.db'}"
    else:
        url = _bench_postgres_url()
        if not _filled(url):
            url = empty_postgres_database(BENCH_DATABASE)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url)
    with app.app_context():
        if not _filled(url):
            db.engine.dispose()
            if label == "sqlite":
                Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            upgrade()
            company = Company(np.random.default_rng(SEED))
            company.build()
            load(company)
        for team_id in (1, TEAMS):
            db.session.get(Team, team_id).lead.set_password(PASSWORD)
        leads = {t: db.session.get(Team, t).lead.email for t in (1, TEAMS)}
        db.session.commit()
    for team_id, name in ((1, ""), (TEAMS, "_busiest_team")):
        ms, _ = time_dashboard(app, team_id, leads[team_id])
        report(f"dashboard_ms_{label}{name}", round(ms, 1), "ms")
    client = app.test_client()
    client.post("/sign-in", data={"email": leads[TEAMS], "password": PASSWORD})
    url_ = f"/feedback/dashboard?team={TEAMS}&period={PERIOD}"
    client.get(url_)
    profiler = cProfile.Profile()
    profiler.enable()
    assert client.get(url_).status_code == 200
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    with app.app_context():
        db.engine.dispose()
    app.extensions["jobs"].connection.close()


def _bench_postgres_url() -> str:
    """The bench's own PostgreSQL database, on the server empty_postgres_database uses."""
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1/postgres"
    )
    return make_url(database_url(base)).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def _filled(url: str) -> bool:
    """Tell whether the database already holds the whole generated company."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM questions")) == QUESTIONS
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", choices=("sqlite", "postgres"), help="profile one request of the busiest team on this database"
    )
    options = parser.parse_args()
    if options.profile:
        with tempfile.TemporaryDirectory() as folder, bench_redis(Path(folder)) as redis_url:
            profile(options.profile, redis_url)
        return
    started = time.perf_counter()
    company = Company(np.random.default_rng(SEED))
    company.build()
    counts = {t.name: len(rows) for t, rows in company.rows.items()}
    report(
        "dashboard_data",
        f"{TEAMS} teams over two years: {counts['questions']} questions, "
        f"{counts['task_feedback'] + counts['mentorship_checkins']} feedback rows "
        f"({counts['task_feedback']} task feedback, {counts['mentorship_checkins']} check-ins), "
        f"{counts['question_posts']} posts, {counts['self_solves']} self-solves, "
        f"{counts['mentorships']} mentorships, {counts['users']} people",
    )
    report("dashboard_generate_s", round(time.perf_counter() - started, 1), "s")
    with tempfile.TemporaryDirectory() as folder, bench_redis(Path(folder)) as redis_url:
        run(f"sqlite:///{folder}/bench.db", "sqlite", redis_url, company)
        run(empty_postgres_database(BENCH_DATABASE), "postgres", redis_url, company)


if __name__ == "__main__":
    main()
