"""Matching a whole cohort at once: the assignment with the best total, each mentor used at
most their free slots, and nobody forced into a pair that is excluded.

The assignment is a minimum-cost bipartite matching (scipy's LAPJVsp) on a sparse graph:
one column per free mentor slot, plus one "unmatched" column per new hire so that leaving
someone unmatched is always possible. Each new hire is linked to their best `candidates`
mentors and to the mentor the greedy baseline gives them, so the result is never worse
than greedy, and exact whenever nobody has more allowed mentors than `candidates`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from app.plurals import joined
from matching.scoring import Table


@dataclass(frozen=True)
class Pair:
    hire: int  # row of the table
    mentor: int  # column of the table
    score: float


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[Pair, ...]
    unmatched: tuple[int, ...]

    @property
    def total(self) -> float:
        return float(sum(p.score for p in self.pairs))

    @property
    def matched_share(self) -> float:
        count = len(self.pairs) + len(self.unmatched)
        return len(self.pairs) / count if count else 1.0


def capacities(table: Table) -> np.ndarray:
    """Free slots of each mentor of the table."""
    return np.array([m.free_slots for m in table.mentors], dtype=np.int64)


def greedy(table: Table) -> Assignment:
    """The baseline: new hires in order, each given the best mentor who still has a slot."""
    free = capacities(table)
    scores = np.where(table.allowed, table.scores, -np.inf)
    pairs, unmatched = [], []
    for i in range(len(table.hires)):
        row = np.where(free > 0, scores[i], -np.inf)
        j = int(np.argmax(row)) if row.size else -1
        if j < 0 or not np.isfinite(row[j]):
            unmatched.append(i)
            continue
        free[j] -= 1
        pairs.append(Pair(i, j, float(scores[i, j])))
    return Assignment(tuple(pairs), tuple(unmatched))


def assign(table: Table, objective: str = "total", candidates: int = 60) -> Assignment:
    """Return the assignment with the highest total score (or, with objective "matched",
    the most people matched and then the highest total)."""
    h = len(table.hires)
    free = capacities(table)
    if h == 0:
        return Assignment((), ())
    scores = np.where(table.allowed & (free > 0)[None, :], table.scores, -np.inf)

    # Candidate edges: each new hire's best mentors, plus the greedy choice.
    k = min(candidates, scores.shape[1])
    if k:
        best = (
            np.argpartition(-scores, k - 1, axis=1)[:, :k]
            if k < scores.shape[1]
            else np.tile(np.arange(scores.shape[1]), (h, 1))
        )
        rows = np.repeat(np.arange(h), best.shape[1])
        cols = best.ravel()
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
    base = greedy(table)
    rows = np.concatenate([rows, [p.hire for p in base.pairs]]).astype(np.int64)
    cols = np.concatenate([cols, [p.mentor for p in base.pairs]]).astype(np.int64)
    keep = np.isfinite(scores[rows, cols])
    rows, cols = rows[keep], cols[keep]
    width = scores.shape[1]
    codes = np.unique(rows * width + cols)  # each (new hire, mentor) edge once
    rows, mentors = codes // width, codes % width
    edge_scores = scores[rows, mentors]

    # One column per free slot: an edge to a mentor becomes an edge to each of their slots.
    first_slot = np.concatenate([[0], np.cumsum(free)[:-1]])
    repeats = free[mentors]
    slot_rows = np.repeat(rows, repeats)
    slot_mentors = np.repeat(mentors, repeats)
    slot_scores = np.repeat(edge_scores, repeats)
    offsets = np.arange(slot_rows.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    slot_cols = first_slot[slot_mentors] + offsets
    n_slots = int(free.sum())

    # Costs must be positive (zero means "no edge"). Matching someone earns their score;
    # with objective "matched", any match also earns a bonus larger than every total.
    bonus = 100.0 * h + 1.0 if objective == "matched" else 0.0
    ceiling = 100.0 + bonus + 1.0
    weights = np.concatenate([ceiling - slot_scores - bonus, np.full(h, ceiling)])
    graph = csr_matrix(
        (weights, (np.concatenate([slot_rows, np.arange(h)]), np.concatenate([slot_cols, n_slots + np.arange(h)]))),
        shape=(h, n_slots + h),
    )
    _, matched_cols = min_weight_full_bipartite_matching(graph)

    slot_owner = np.repeat(np.arange(len(free)), free)
    pairs, unmatched = [], []
    for i, col in enumerate(matched_cols):
        if col < n_slots:
            j = int(slot_owner[col])
            pairs.append(Pair(i, j, float(scores[i, j])))
        else:
            unmatched.append(i)
    return Assignment(tuple(pairs), tuple(unmatched))


def best_mentor(table: Table, i: int = 0) -> int | None:
    """The best allowed mentor with a free slot for the table's i-th new hire, or None."""
    free = capacities(table)
    row = np.where(table.allowed[i] & (free > 0), table.scores[i], -np.inf)
    if not row.size:
        return None
    j = int(np.argmax(row))
    return j if np.isfinite(row[j]) else None


def ranked_mentors(table: Table, i: int = 0, limit: int = 5) -> list[int]:
    """The allowed mentors with a free slot for the i-th new hire, best first."""
    free = capacities(table)
    row = np.where(table.allowed[i] & (free > 0), table.scores[i], -np.inf)
    order = np.argsort(-row, kind="stable")[:limit]
    return [int(j) for j in order if np.isfinite(row[j])]


def unmatched_reason(table: Table, i: int, min_overlap_hours: float) -> str:
    """Say in plain words why the table's i-th new hire has no mentor, naming the skills."""
    hire = table.hires[i]
    if not hire.wants:
        return "has no skills they want to learn on their profile"
    skills = joined(sorted(hire.wants))
    teaching = np.flatnonzero(table.taught[i] > 0)
    if teaching.size == 0:
        return f"no mentor teaches {skills}"
    if table.allowed[i].any():
        return f"no mentor teaches {skills} with a free slot left in this cohort"
    full = [j for j in teaching if table.mentors[j].free_slots <= 0]
    if full and len(full) == teaching.size:
        return f"no mentor teaches {skills} with a free slot"
    if all(table.overlap[i, j] < min_overlap_hours for j in teaching):
        return f"no mentor who teaches {skills} shares at least {min_overlap_hours:g} h of working hours"
    return f"every mentor who teaches {skills} is excluded (away, full, in the reporting line, or declined before)"
