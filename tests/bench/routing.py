"""Benchmark: ranking mentors for a stuck question among 10,000 mentors.
Run: python -m tests.bench.routing"""

import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import numpy as np

from matching.ranking import Helper, Need, RoutingRules, prepare_helpers, rank
from tests.bench._common import percentile, report

SEED = 20261121
SKILLS = [f"skill-{n:02d}" for n in range(40)]
ZONES = ["America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
         "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney"]


def helpers(rng, count: int) -> list[Helper]:
    """Generate mentors with skills, hours, loads and reply speeds."""
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    result = []
    for j in range(count):
        start = int(rng.integers(7, 11))
        result.append(Helper(
            id=j, team_id=int(rng.integers(0, 50)), timezone=str(rng.choice(ZONES)),
            work_start=clock(start), work_end=clock(start + 8),
            teaches={str(s): int(rng.integers(2, 6)) for s in rng.choice(SKILLS, int(rng.integers(2, 8)), replace=False)},
            open_questions=int(rng.integers(0, 5)), max_open_questions=5, pings_today=int(rng.integers(0, 6)),
            median_reply_minutes=float(rng.integers(2, 300)) if rng.random() < 0.8 else None,
            last_asked_at=now - timedelta(minutes=int(rng.integers(1, 5000))), away=bool(rng.random() < 0.05),
        ))
    return result


def main() -> None:
    rng = np.random.default_rng(SEED)
    rules = RoutingRules()
    started = time.perf_counter()
    pool = prepare_helpers(helpers(rng, 10_000), rules)
    report("helper_pool_prepare_ms", round((time.perf_counter() - started) * 1000, 1), "ms")
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    timings = []
    for n in range(500):
        need = Need(skills=frozenset(rng.choice(SKILLS, int(rng.integers(1, 3)), replace=False)),
                    related=frozenset(rng.choice(SKILLS, 3, replace=False)), team_id=int(rng.integers(0, 50)),
                    own_mentor_id=int(rng.integers(0, 10_000)), waited=timedelta(minutes=int(rng.integers(0, 200))))
        started = time.perf_counter()
        rank(pool, need, now, rules)
        timings.append((time.perf_counter() - started) * 1000)
    report("rank_p50_ms", round(percentile(timings, 0.50), 3), "ms")
    report("rank_p95_ms", round(percentile(timings, 0.95), 3), "ms", "< 10 ms")


if __name__ == "__main__":
    main()
