"""Cohort matching: optimal on small instances (checked by brute force), never worse than
greedy, mentors never over capacity, and a plain reason for everyone left unmatched."""

import itertools
from datetime import date

import numpy as np
import pytest

from matching.assignment import assign, best_mentor, greedy, ranked_mentors, unmatched_reason
from matching.scoring import Mentor, NewHire, Rules, Table, Weights, build_table

RULES = Rules(reference_day=date(2026, 11, 18), min_overlap_hours=0)


def random_table(seed: int, hires: int, mentors: int, exclude: float = 0.3) -> Table:
    """A table of random scores, capacities and exclusions (the solver only sees numbers)."""
    rng = np.random.default_rng(seed)
    hire_list = [NewHire(id=i, wants={"x": 1}) for i in range(hires)]
    mentor_list = [Mentor(id=100 + j, teaches={"x": 3}, max_mentees=int(rng.integers(0, 3))) for j in range(mentors)]
    scores = rng.integers(1, 100, size=(hires, mentors)).astype(float)
    allowed = rng.random((hires, mentors)) >= exclude
    allowed &= np.array([m.free_slots > 0 for m in mentor_list])[None, :]
    return Table(
        hire_list,
        mentor_list,
        {},
        scores,
        allowed,
        np.full((hires, mentors), 8.0),
        np.ones((hires, mentors), dtype=np.int16),
        {},
    )


def brute_force(table: Table, objective: str) -> tuple[int, float]:
    """The best (matched, total) over every possible assignment, by trying them all."""
    h, m = table.scores.shape
    options = [[None] + [j for j in range(m) if table.allowed[i, j]] for i in range(h)]
    best = (-1, -1.0) if objective == "matched" else (0, -1.0)
    best_total = -1.0
    for choice in itertools.product(*options):
        used = [j for j in choice if j is not None]
        if any(used.count(j) > table.mentors[j].free_slots for j in set(used)):
            continue
        total = sum(table.scores[i, j] for i, j in enumerate(choice) if j is not None)
        if objective == "matched":
            best = max(best, (len(used), total))
        else:
            best_total = max(best_total, total)
    return best if objective == "matched" else (0, best_total)


def check_capacity(table: Table, assignment) -> None:
    used = {}
    for p in assignment.pairs:
        assert table.allowed[p.hire, p.mentor], "an excluded pair was made"
        used[p.mentor] = used.get(p.mentor, 0) + 1
    for j, count in used.items():
        assert count <= table.mentors[j].free_slots, "a mentor got more mentees than slots"
    assert len({p.hire for p in assignment.pairs}) == len(assignment.pairs)
    assert set(assignment.unmatched) | {p.hire for p in assignment.pairs} == set(range(len(table.hires)))


@pytest.mark.parametrize("seed", range(25))
def test_highest_total_is_the_optimum(seed):
    table = random_table(seed, hires=5, mentors=4)
    result = assign(table, "total")
    check_capacity(table, result)
    assert result.total == pytest.approx(brute_force(table, "total")[1])


@pytest.mark.parametrize("seed", range(25))
def test_most_matched_matches_the_most_then_scores_best(seed):
    table = random_table(100 + seed, hires=5, mentors=4)
    result = assign(table, "matched")
    check_capacity(table, result)
    assert (len(result.pairs), result.total) == pytest.approx(brute_force(table, "matched"))


def test_the_two_objectives_differ_where_they_should():
    # Ana fits Bo very well; Dan fits only Bo; Cy is a poor fit for Ana. One slot each.
    table = random_table(0, hires=2, mentors=2)
    table.mentors[:] = [
        Mentor(id=100, teaches={"x": 3}, max_mentees=1),
        Mentor(id=101, teaches={"x": 3}, max_mentees=1),
    ]
    table.scores[:] = [[90.0, 1.0], [50.0, 0.0]]
    table.allowed[:] = [[True, True], [True, False]]
    best_total = assign(table, "total")
    assert [(p.hire, p.mentor) for p in best_total.pairs] == [(0, 0)]
    assert best_total.total == 90.0
    most_matched = assign(table, "matched")
    assert sorted((p.hire, p.mentor) for p in most_matched.pairs) == [(0, 1), (1, 0)]
    assert most_matched.total == 51.0


@pytest.mark.parametrize("seed", range(5))
def test_never_worse_than_greedy_with_few_candidates(seed):
    table = random_table(500 + seed, hires=60, mentors=30, exclude=0.5)
    result = assign(table, "total", candidates=3)
    check_capacity(table, result)
    assert result.total >= greedy(table).total - 1e-9


def test_a_cohort_larger_than_the_mentor_pool_leaves_people_unmatched_with_reason():
    rules = RULES
    hires = [NewHire(id=i, wants={"SQL": 1}) for i in range(5)]
    mentors = [Mentor(id=100, teaches={"SQL": 4}, max_mentees=2)]
    table = build_table(hires, mentors, Weights(), rules)
    result = assign(table)
    assert len(result.pairs) == 2 and len(result.unmatched) == 3
    assert {unmatched_reason(table, i, 0) for i in result.unmatched} == {
        "no mentor teaches SQL with a free slot left in this cohort"
    }


def test_reasons_for_being_unmatched():
    hires = [NewHire(id=1, wants={"Rust": 1, "Elixir": 2}), NewHire(id=2, wants={}), NewHire(id=3, wants={"SQL": 1})]
    mentors = [Mentor(id=100, teaches={"SQL": 4}, max_mentees=0)]
    table = build_table(hires, mentors, Weights(), RULES)
    assert unmatched_reason(table, 0, 0) == "no mentor teaches Elixir or Rust"
    assert unmatched_reason(table, 1, 0) == "has no skills they want to learn on their profile"
    assert unmatched_reason(table, 2, 0) == "no mentor teaches SQL with a free slot"


def test_single_proposal_takes_the_best_allowed_mentor():
    hire = NewHire(id=1, wants={"SQL": 1}, reporting_line=frozenset({100}))
    mentors = [
        Mentor(id=100, teaches={"SQL": 5}),
        Mentor(id=101, teaches={"SQL": 2}),
        Mentor(id=102, teaches={"SQL": 4}),
        Mentor(id=103, teaches={"SQL": 5}, max_mentees=0),
    ]
    table = build_table([hire], mentors, Weights(), RULES)
    assert table.mentors[best_mentor(table)].id == 102
    assert [table.mentors[j].id for j in ranked_mentors(table)] == [102, 101]


def test_nobody_to_propose():
    table = build_table([NewHire(id=1, wants={"SQL": 1})], [Mentor(id=100, teaches={"Go": 4})], Weights(), RULES)
    assert best_mentor(table) is None
    assert assign(table).unmatched == (0,)
