"""The dashboard's figures that the database counts: where a figure only counts, the rows
need not come to Python. Each is the pure function of the same name in `feedback.metrics`
over load_rows's rows (tests/feedback/test_rows.py checks they agree).

    now, before = asked_by_skill(team.id, period)       # metrics.asked_by_skill of each
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Question, question_skills
from feedback.metrics import MIN_RESPONSES, MentorAnswers
from feedback.models import Checkin, TaskFeedback
from feedback.periods import Period
from feedback.released import first_counted
from feedback.rows import first_replies, plan_for_few_rows


def asked_by_skill(team_id: int, period: Period) -> tuple[Counter[int], Counter[int]]:
    """How many of the team's questions asked in the period, and in the one before, were
    tagged with each skill."""
    return _counts_by(
        question_skills.c.skill_id,
        Question.created_at,
        period,
        sa.select()
        .join_from(question_skills, Question, Question.id == question_skills.c.question_id)
        .where(Question.team_id == team_id),
    )


def task_rating_counts(team_id: int, period: Period) -> tuple[Counter[int], Counter[int]]:
    """How many task-feedback ratings of each value the team's people gave count in the
    period, and in the one before (in groups of MIN_RESPONSES: feedback.released)."""
    return _released_counts(
        TaskFeedback.rating,
        TaskFeedback.created_at,
        TaskFeedback.id,
        period,
        sa.select().where(TaskFeedback.team_id == team_id),
    )


def checkin_score_counts(team_id: int, period: Period) -> tuple[Counter[int], Counter[int]]:
    """How many check-in scores of each value, as first answered, about the team's new
    hires' mentorships count in the period, and in the one before (in groups of
    MIN_RESPONSES: feedback.released)."""
    return _released_counts(
        Checkin.first_score,
        Checkin.first_answered_at,
        Checkin.id,
        period,
        sa.select().where(Checkin.team_id == team_id, Checkin.first_score.is_not(None)),
    )


def _released_counts(value, moment, order, period: Period, rows: sa.Select) -> tuple[Counter, Counter]:
    """How many of `rows` of each `value` count in the period and in the one before, when
    they count in groups in the order of (`moment`, `order`): two counts say where each
    period's whole groups begin and end, and one slice of the ordered rows reads them."""
    plan_for_few_rows()
    before = period.previous()
    came = db.session.execute(
        rows.add_columns(
            _count_where(moment < before.start), _count_where(moment < period.start), sa.func.count()
        ).where(moment < period.end)
    ).one()
    first, middle, last = (first_counted(int(n or 0), MIN_RESPONSES) for n in came)
    if last == first:
        return Counter(), Counter()
    values = list(
        db.session.scalars(
            rows.add_columns(value).where(moment < period.end).order_by(moment, order).offset(first).limit(last - first)
        )
    )
    return Counter(values[middle - first :]), Counter(values[: middle - first])


def _counts_by(value, moment, period: Period, rows: sa.Select) -> tuple[Counter, Counter]:
    """How many of `rows` have each `value` with their `moment` in the period, and in the
    one before."""
    plan_for_few_rows()
    before = period.previous()
    found = db.session.execute(
        rows.add_columns(value, _count_where(_in(moment, period)), _count_where(_in(moment, before)))
        # One range, the two periods together: the planner reads it by index more readily.
        .where(moment >= before.start, moment < period.end)
        .group_by(value)
    )
    now, old = Counter(), Counter()
    for key, in_period, in_before in found:
        if in_period:
            now[key] = int(in_period)
        if in_before:
            old[key] = int(in_before)
    return now, old


def answers_by_mentor(team_id: int, period: Period) -> dict[int, MentorAnswers]:
    """Each mentor's answers on the team's questions in the period and the one before, and
    how many of the questions resolved in the period with answer feedback they answered and
    found helpful (see MentorAnswers)."""
    plan_for_few_rows()
    before = period.previous()
    first = first_replies(team_id, before.start, period.end, Question.resolved_at, Question.helpful).subquery()
    rated = sa.and_(_in(first.c.resolved_at, period), first.c.helpful.is_not(None))
    rows = db.session.execute(
        sa.select(
            first.c.author_id,
            _count_where(_in(first.c.answered_at, period)),
            _count_where(_in(first.c.answered_at, before)),
            _count_where(rated),
            _count_where(sa.and_(rated, first.c.helpful.is_(True))),
        ).group_by(first.c.author_id)
    )
    return {mentor_id: MentorAnswers(*(int(n) for n in counts)) for mentor_id, *counts in rows}


def _in(moment, period: Period):
    return sa.and_(moment >= period.start, moment < period.end)


def _count_where(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))
