"""What people bring to a week's session: adding and taking back learnings on the week's
page, and the agenda the week builds.

    add_learning(series_id, day, user_id, "stuck", "The CI cache ...")   # raises InvalidInput, LearningRefused
    agenda = load_agenda(week_id, viewer_id)                              # sessions.learnings.agenda.Agenda

The rules themselves (who sees which learning when, what a reply says) live in the pure
`sessions.learnings.agenda` and `sessions.learnings.text`; the prompt mail before each
session and the replies to it are `sessions.learnings.prompt`. Nothing here commits.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm

from app import request_keys
from app.errors import Conflict, InvalidInput
from app.extensions import db, utcnow
from app.help.access import visible_questions
from app.help.models import Question
from app.people.models import User
from app.people.names import shown_name
from app.times import long_date
from feedback.comments import shared_task_comments
from sessions.access import current_invitees
from sessions.learnings.agenda import (
    ActionNote,
    Agenda,
    AnsweredQuestion,
    LearningNote,
    build_agenda,
    learnings_open,
    question_window,
)
from sessions.learnings.text import learning_problems, tidy
from sessions.models import ActionItem, Learning, LearningKind, SeriesMember, SessionSeries, SessionWeek
from sessions.series.schedule import Occurrence, occurrence
from sessions.series.stored import as_series, week_row

FEEDBACK_SHOWN = 10  # task-feedback highlights on an agenda


class LearningRefused(Conflict):
    """A learning cannot be added or taken back now; the message says why, for the person."""


# -- the week --------------------------------------------------------------------------------


def find_week(series_id: int, day: date) -> SessionWeek | None:
    """The week's row, if anything has happened to that week yet."""
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.series_id == series_id, SessionWeek.day == day))


def session_of(row: SessionSeries, day: date) -> Occurrence:
    """When the week's session is, at its new time if it was moved."""
    return occurrence(as_series(row), day)


def is_open(week: SessionWeek, now: datetime) -> bool:
    """Whether everyone's learnings of the week show: its session has started (or the lead
    started it early)."""
    return learnings_open(now, session_of(week.series, week.day).start_utc, week.started_at)


def is_invitee(series_id: int, user_id: int) -> bool:
    """Whether the person is invited to the series now (and so may add learnings)."""
    found = current_invitees().where(SeriesMember.series_id == series_id, SeriesMember.user_id == user_id)
    return db.session.scalar(sa.select(found.exists())) or False


def why_not_add(row: SessionSeries, week: SessionWeek | None, user_id: int) -> str | None:
    """Why the person cannot add learnings to the week now, in words for them; None if they can."""
    when = long_date(week.day) if week else "this week"
    if row.cancelled_at is not None:
        return f'"{row.title}" is cancelled, so learnings can no longer be added.'
    if week is not None and week.skipped:
        return f"The session of {when} is skipped, so learnings cannot be added to it."
    if week is not None and week.closed_at is not None:
        return f"The session of {when} is closed, so learnings can no longer be added to it."
    if not is_invitee(row.id, user_id):
        return f'Only the people invited to "{row.title}" can add learnings to it.'
    return None


# -- adding and taking back --------------------------------------------------------------------


def add_learning(
    series_id: int, day: date, user_id: int, kind: str | None, text: str | None, request_key: str | None = None
) -> Learning:
    """Add a learning of the person's to the week's session, from its page, and return it. Raises
    LearningRefused when they cannot add one to this week, and InvalidInput (by field:
    kind, text) when the entry itself is wrong; nothing is saved then. The same learning sent
    again with the same `request_key` (the form's) is added once."""
    key = request_keys.request_key(request_key)
    row = db.session.get(SessionSeries, series_id)
    week = find_week(series_id, day)
    refusal = why_not_add(row, week, user_id)
    if refusal:
        raise LearningRefused(refusal)
    problems = learning_problems(kind, text)
    if problems:
        raise InvalidInput(problems, "The learning was not added.")
    week = week_row(row, day)
    learning, _ = request_keys.insert_once(
        Learning,
        dict(week_id=week.id, author_id=user_id, kind=LearningKind(kind), text=tidy(text), via="web", request_key=key),
        scope=("week_id", "author_id"),
        same=("kind", "text"),
    )
    return learning


def delete_learning(learning_id: int, user_id: int, now: datetime) -> None:
    """Take back one of the person's own learnings, before the session starts. Raises
    LearningRefused once the session has started: by then others may have read it."""
    learning = db.session.get(Learning, learning_id)
    if learning is None or learning.author_id != user_id:
        raise LearningRefused("That entry is not yours, or it was taken back already.")
    week = learning.week
    if is_open(week, now) or week.closed_at is not None:
        raise LearningRefused("The session has started, so entries can no longer be taken back.")
    db.session.delete(learning)
    db.session.flush()


def own_learnings(week_id: int | None, user_id: int) -> list[Learning]:
    """The person's own learnings of a week, as written."""
    if week_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Learning).where(Learning.week_id == week_id, Learning.author_id == user_id).order_by(Learning.id)
        )
    )


# -- the agenda --------------------------------------------------------------------------------


def load_agenda(week_id: int, viewer_id: int, now: datetime | None = None) -> Agenda:
    """The week's agenda as this person may see it now."""
    week = db.session.get(SessionWeek, week_id)
    return agenda_for(week.series, week.day, viewer_id, now)


def agenda_for(row: SessionSeries, day: date, viewer_id: int, now: datetime | None = None) -> Agenda:
    """The agenda of the series' week on `day` (a session date) as this person may see it,
    whether or not anything has happened to that week yet."""
    now = now or utcnow()
    series = as_series(row)
    week = find_week(row.id, day)
    session = occurrence(series, day)
    since, until = question_window(series, day)
    return build_agenda(
        day=day,
        starts_at=session.start_utc,
        now=now,
        viewer_id=viewer_id,
        names_shown=row.names_shown,
        started_at=week.started_at if week else None,
        learnings=_learning_notes(week),
        actions=_action_notes(row.id, day),
        questions=_answered_questions(row.team_id, since, until, viewer_id),
        questions_since=since,
        feedback=feedback_highlights(row.team_id, since, until),
    )


def _learning_notes(week: SessionWeek | None) -> list[LearningNote]:
    if week is None:
        return []
    rows = db.session.execute(
        sa.select(Learning, User)
        .outerjoin(User, Learning.author_id == User.id)
        .where(Learning.week_id == week.id)
        .order_by(Learning.id)
    )
    return [
        LearningNote(
            learning.id,
            learning.kind.value,
            learning.text,
            learning.author_id,
            shown_name(author) if author is not None else None,
            learning.group_id,
        )
        for learning, author in rows
    ]


def _action_notes(series_id: int, day: date) -> list[ActionNote]:
    raised, done = orm.aliased(SessionWeek), orm.aliased(SessionWeek)
    owner = orm.aliased(User)
    rows = db.session.execute(
        sa.select(ActionItem, raised.day, done.day, owner.name)
        .join(raised, ActionItem.week_id == raised.id)
        .outerjoin(done, ActionItem.done_week_id == done.id)
        .outerjoin(owner, ActionItem.owner_id == owner.id)
        .where(
            ActionItem.series_id == series_id, raised.day < day, sa.or_(ActionItem.done_at.is_(None), done.day == day)
        )
    )
    return [
        ActionNote(
            action.id,
            action.text,
            owner_name,
            action.due_date,
            raised_on,
            done=action.done_at is not None,
            done_on=done_on,
        )
        for action, raised_on, done_on, owner_name in rows
    ]


def _answered_questions(team_id: int, since: datetime, until: datetime, viewer_id: int) -> list[AnsweredQuestion]:
    """The team's questions first answered in the window; titles only where the viewer may
    read the question (app.help.access), so no one learns more here than in the help desk."""
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.team_id == team_id, Question.first_reply_at >= since, Question.first_reply_at < until)
        .options(orm.selectinload(Question.skills))
    ).all()
    if not questions:
        return []
    viewer = db.session.get(User, viewer_id)
    readable = (
        set(
            db.session.scalars(
                visible_questions(viewer)
                .with_only_columns(Question.id)
                .where(Question.id.in_([q.id for q in questions]))
            )
        )
        if viewer is not None
        else set()
    )
    return [
        AnsweredQuestion(q.id, q.goal, tuple(s.name for s in q.skills), q.first_reply_at, q.id in readable)
        for q in questions
    ]


def feedback_highlights(team_id: int, since: datetime, until: datetime) -> tuple[str, ...]:
    """The task feedback the team's people shared with the team in the week, for the agenda:
    what was missing and what helped, without ratings, named only where the writer signed
    it, a task about a question kept out of the knowledge base without its title
    (feedback.comments decides)."""
    found = shared_task_comments(team_id, since, until)
    return tuple(
        f"{c.label} (“{c.about}”): {c.text}" + (f" — {c.author}" if c.author else "") for c in found[:FEEDBACK_SHOWN]
    )
