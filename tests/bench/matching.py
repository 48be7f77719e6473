"""Benchmark: cohort matching of 5,000 new hires to 1,000 mentors, and one proposal among
10,000 mentors. Run: python -m tests.bench.matching"""

import time
from datetime import date
from datetime import time as clock

import numpy as np

from matching.assignment import assign, best_mentor, greedy
from matching.scoring import Mentor, NewHire, Rules, Weights, build_table, prepare_mentors
from tests.bench._common import median_ms, report

SEED = 20261121
SKILLS = [f"skill-{n:02d}" for n in range(40)]
ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
]
TITLES = [
    "Backend Engineer",
    "Frontend Engineer",
    "Data Engineer",
    "Data Scientist",
    "Product Designer",
    "Site Reliability Engineer",
    "Product Manager",
    "Mobile Engineer",
]
RULES = Rules(reference_day=date(2026, 11, 18), min_overlap_hours=2, team_preference="other")


def people(rng, hires: int, mentors: int) -> tuple[list[NewHire], list[Mentor]]:
    """Generate a company: teams, titles, time zones, wanted and taught skills."""

    def hours():
        start = int(rng.integers(7, 11))
        return clock(start), clock(start + 8)

    hire_list = []
    for i in range(hires):
        start, end = hours()
        wants = {str(s): int(rng.integers(1, 3)) for s in rng.choice(SKILLS, int(rng.integers(1, 5)), replace=False)}
        hire_list.append(
            NewHire(
                id=i,
                team_id=int(rng.integers(0, 60)),
                title=str(rng.choice(TITLES)),
                level=int(rng.integers(1, 3)),
                timezone=str(rng.choice(ZONES)),
                work_start=start,
                work_end=end,
                wants=wants,
                reporting_line=frozenset({10**6 + int(rng.integers(0, max(mentors, 1)))}),
            )
        )
    mentor_list = []
    for j in range(mentors):
        start, end = hours()
        teaches = {str(s): int(rng.integers(3, 6)) for s in rng.choice(SKILLS, int(rng.integers(3, 9)), replace=False)}
        mentor_list.append(
            Mentor(
                id=10**6 + j,
                team_id=int(rng.integers(0, 60)),
                title=str(rng.choice(TITLES)),
                level=int(rng.integers(2, 6)),
                timezone=str(rng.choice(ZONES)),
                work_start=start,
                work_end=end,
                teaches=teaches,
                max_mentees=int(rng.integers(1, 6)),
            )
        )
    return hire_list, mentor_list


def main() -> None:
    rng = np.random.default_rng(SEED)
    hires, mentors = people(rng, 5000, 1000)
    weights = Weights()

    started = time.perf_counter()
    table = build_table(hires, mentors, weights, RULES)
    best = assign(table, "total")
    solve_s = time.perf_counter() - started
    baseline = greedy(table)

    report("cohort_solve_s", solve_s, "s", "< 3 s, scoring included")
    report("cohort_total_score", round(best.total, 1), "points", ">= greedy_total_score")
    report("greedy_total_score", round(baseline.total, 1), "points")
    report("cohort_matched_share", round(best.matched_share, 4), "", "")
    report("greedy_matched_share", round(baseline.matched_share, 4), "", "")
    report("cohort_vs_greedy_ratio", round(best.total / baseline.total, 4), "", ">= 1")

    # One person joins: rank 10,000 mentors. The pool of mentors is prepared once (as a
    # worker does for a batch of proposals); its preparation is printed on its own line.
    _, many = people(np.random.default_rng(SEED + 1), 0, 10_000)
    started = time.perf_counter()
    pool = prepare_mentors(many, RULES)
    report("mentor_pool_prepare_ms", round((time.perf_counter() - started) * 1000, 1), "ms")
    newcomers = iter(people(np.random.default_rng(SEED + 2), 200, 0)[0])

    def propose():
        return best_mentor(build_table([next(newcomers)], pool, weights, RULES))

    propose()
    report("single_proposal_median_ms", round(median_ms(propose, 101), 2), "ms", "< 20 ms")


if __name__ == "__main__":
    main()
