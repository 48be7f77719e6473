"""Cohort matching for admins: preview the best assignment for everyone waiting, adjust it
by hand, and publish it, which sends the proposals."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.people.models import User
from matching.assignment import assign, unmatched_reason
from matching.directory import (
    blocked_pairs,
    current_settings,
    mentor_loads,
    mentors,
    new_hires,
    rules_of,
    unmatched_new_hires,
    weights_of,
)
from matching.models import LIVE_STATES, CohortRun, Mentorship, WaitingForMentor
from matching.scoring import build_table, explain
from matching.services import MatchingError, create_proposal


def preview_cohort(admin_id: int | None, objective: str | None = None) -> CohortRun:
    """Match every new hire without a mentor, in one optimal batch, and save it as a preview."""
    settings = current_settings()
    objective = objective or settings.objective
    if objective not in ("total", "matched"):
        raise MatchingError("Choose the highest total score or the most people matched.")
    weights, rules = weights_of(settings), rules_of(settings, utcnow().date())
    hire_ids = unmatched_new_hires()
    if not hire_ids:
        raise MatchingError("Every new hire already has a mentor or a proposal: there is nobody to match.")
    hires = new_hires(hire_ids)
    table = build_table(hires, mentors(), weights, rules, blocked_pairs(hire_ids))
    result = assign(table, objective)
    pairs = []
    for pair in result.pairs:
        fit = explain(table, pair.hire, pair.mentor, weights, rules)
        pairs.append(
            {"hire_id": fit.hire_id, "mentor_id": fit.mentor_id, "score": fit.score, "reasons": fit.reason_rows()}
        )
    unmatched = [
        {"hire_id": hires[i].id, "reason": unmatched_reason(table, i, rules.min_overlap_hours)}
        for i in result.unmatched
    ]
    run = CohortRun(created_by_id=admin_id, objective=objective, pairs=pairs, unmatched=unmatched)
    db.session.add(run)
    db.session.flush()
    return run


def _draft(run_id: int) -> CohortRun:
    run = db.session.get(CohortRun, run_id)
    if run is None:
        raise LookupError("There is no such cohort run.")
    if run.published_at is not None:
        raise MatchingError("This cohort was already published; run a new preview to change it.")
    return run


def adjust_cohort(run_id: int, hire_id: int, mentor_id: int | None) -> CohortRun:
    """Give a new hire of a preview another mentor, or leave them out (mentor_id None)."""
    run = _draft(run_id)
    in_run = {p["hire_id"] for p in run.pairs} | {u["hire_id"] for u in run.unmatched}
    if hire_id not in in_run:
        raise MatchingError("That person is not part of this cohort.")
    pairs = [p for p in run.pairs if p["hire_id"] != hire_id]
    unmatched = [u for u in run.unmatched if u["hire_id"] != hire_id]
    if mentor_id is None:
        unmatched.append({"hire_id": hire_id, "reason": "left out by an admin"})
    else:
        settings = current_settings()
        weights, rules = weights_of(settings), rules_of(settings, utcnow().date())
        candidates = [m for m in mentors() if m.id == mentor_id]
        if not candidates:
            raise MatchingError("That person is not an active mentor.")
        table = build_table(new_hires([hire_id]), candidates, weights, rules, blocked_pairs([hire_id]))
        fit = explain(table, 0, 0, weights, rules)
        if not fit.allowed:
            raise MatchingError(f"{candidates[0].name} cannot mentor this person: {'; '.join(fit.excluded)}.")
        taken = sum(1 for p in pairs if p["mentor_id"] == mentor_id)
        if taken >= candidates[0].free_slots:
            raise MatchingError(f"{candidates[0].name} has no free slot left in this cohort.")
        pairs.append({"hire_id": hire_id, "mentor_id": mentor_id, "score": fit.score, "reasons": fit.reason_rows()})
    run.pairs, run.unmatched = pairs, unmatched
    db.session.flush()
    return run


@dataclass(frozen=True)
class Published:
    proposed: int
    skipped: tuple[str, ...]  # why some pairs were not proposed


def publish_cohort(run_id: int) -> Published:
    """Send the preview's proposals; pairs that no longer fit (someone matched meanwhile,
    a mentor full, the pair excluded since) are skipped and said so. Those left unmatched
    wait with the preview's reason."""
    run = _draft(run_id)
    claimed = db.session.execute(
        sa.update(CohortRun)
        .where(CohortRun.id == run_id, CohortRun.published_at.is_(None))
        .values(published_at=utcnow())
    )
    if not claimed.rowcount:
        raise MatchingError("This cohort was already published.")
    settings = current_settings()
    live = set(db.session.scalars(sa.select(Mentorship.new_hire_id).where(Mentorship.state.in_(LIVE_STATES))))
    loads = mentor_loads()
    limits = dict(db.session.execute(sa.select(User.id, User.max_mentees)).all())
    names = dict(db.session.execute(sa.select(User.id, User.name)).all())
    blocked = blocked_pairs([p["hire_id"] for p in run.pairs])
    proposed, skipped = 0, []
    for pair in run.pairs:
        hire_id, mentor_id = pair["hire_id"], pair["mentor_id"]
        if hire_id in live:
            skipped.append(f"{names.get(hire_id, hire_id)} already has a mentor or a proposal.")
            continue
        if loads.get(mentor_id, 0) >= limits.get(mentor_id, 0):
            skipped.append(f"{names.get(mentor_id, mentor_id)} has no free slot any more.")
            continue
        if (hire_id, mentor_id) in blocked:
            skipped.append(
                f"{names.get(mentor_id, mentor_id)} and {names.get(hire_id, hire_id)} may not be paired any more."
            )
            continue
        create_proposal(hire_id, mentor_id, pair["score"], pair["reasons"], "cohort", settings.proposal_days)
        loads[mentor_id] = loads.get(mentor_id, 0) + 1
        live.add(hire_id)
        proposed += 1
    for left in run.unmatched:
        if left["hire_id"] not in live:
            waiting = db.session.get(WaitingForMentor, left["hire_id"]) or WaitingForMentor(new_hire_id=left["hire_id"])
            waiting.reason, waiting.checked_at = left["reason"], utcnow()
            db.session.add(waiting)
    db.session.flush()
    return Published(proposed, tuple(skipped))
