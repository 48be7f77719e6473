"""Benchmark: ranking mentors for a stuck question among 10,000 mentors; and end to end,
500 questions asked through the HTTP API at a steady 20 per second, routed by real workers
on a real Redis, three runs in a row. Run: python -m tests.bench.routing [--runs N]
[--workers N] [--profile]

The end-to-end part runs the app as production does: gunicorn for the web, `flask worker`
processes (with the scheduler) for the jobs, PostgreSQL for the data. PostgreSQL is the
server of BENCH_DATABASE_URL, else of TEST_DATABASE_URL, else the local one, always in its
own database `unstuck_bench_routing` (emptied first); Redis is BENCH_REDIS_URL's (emptied
first), else an embedded one. The time measured runs from the moment the asker has the
API's answer to the moment routing saved the question's first attempt, in milliseconds;
RQ's own times of each routing job split it into the wait in the queue and the job.

CPU: the workers' CPU over a run (psutil, with their scheduler processes) per question
asked, and routing's own share: each job's CPU time is added up by the workers of this
benchmark (tests/bench/_timed_worker.py), and the routing job's is divided by the
questions routed. `--profile` routes questions in this process under cProfile instead
and prints where routing's CPU goes.
"""

import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import numpy as np

from matching.ranking import Helper, Need, RoutingRules, prepare_helpers, rank
from tests.bench._common import ZONES, percentile, report
from tests.bench._routing_e2e import WORKER_PROCESSES, end_to_end, profile

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
    if "--profile" in sys.argv:
        profile()
        return
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else WORKER_PROCESSES
    for run in range(1, runs + 1):
        end_to_end(run, workers)


if __name__ == "__main__":
    main()
