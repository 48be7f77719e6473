"""What people bring to a week's session: the prompt before it, adding and taking back
learnings (by the week's page or by replying to the prompt), and the agenda the week builds.

    add_learning(series_id, day, user_id, "stuck", "The CI cache ...")   # raises InvalidInput, LearningRefused
    send_due_prompts(utcnow())                                            # on the sessions' beat
    agenda = load_agenda(week_id, viewer_id)                              # sessions.learnings.agenda.Agenda

The rules themselves (who sees which learning when, what a reply says) live in the pure
`sessions.learnings.agenda` and `sessions.learnings.text`. Nothing here commits except the prompt job,
one series at a time; the request, job or mail intake that calls the rest commits.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from app import request_keys
from app.extensions import db, utcnow
from app.help.access import visible_questions
from app.help.models import Question
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import Reply, ReplyRefused
from app.mail.outgoing.compose import send_mail
from app.people.models import User
from app.people.services import InvalidInput
from app.urls import external_url
from feedback.comments import shared_task_comments
from sessions.access import current_invitees
from sessions.learnings.agenda import (
    ActionNote,
    Agenda,
    AnsweredQuestion,
    LearningNote,
    build_agenda,
    day_name,
    describe_when,
    learnings_open,
    question_window,
)
from sessions.learnings.text import REPLY_LABELS, TEXT_MAX, learning_problems, read_reply, reply_problem, tidy
from sessions.models import ActionItem, Learning, LearningKind, SeriesMember, SessionSeries, SessionWeek
from sessions.series.schedule import Occurrence, email_problem, long_date, occurrence, occurrences
from sessions.series.stored import as_series, week_row

log = logging.getLogger(__name__)

# The purpose of the reply address of a person's prompt: their reply adds learnings to the week.
LEARNINGS_PURPOSE = "session-learnings"
FEEDBACK_SHOWN = 10  # task-feedback highlights on an agenda


class LearningRefused(Exception):
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


# -- replies to the prompt ---------------------------------------------------------------------


def save_reply(reply: Reply) -> None:
    """Add the learnings in a reply to the prompt email as the sender's.

    The same email handed over twice adds its learnings once, and an item the person has
    already brought to the week (same kind, same words) is not added again. Raises
    ReplyRefused, having saved nothing, when the week is closed, skipped or gone, the sender
    is no longer invited, or the reply holds no learnings or too long ones."""
    source = reply.source_key
    if source is not None and db.session.scalar(
        sa.select(sa.exists().where(Learning.source_message_id == source, Learning.author_id == reply.user_id))
    ):
        return
    week = db.session.get(SessionWeek, reply.object_id)
    if week is None:
        raise ReplyRefused("That session no longer exists, so your learnings were not added.")
    row = week.series
    refusal = why_not_add(row, week, reply.user_id)
    if refusal:
        raise ReplyRefused(
            f"{refusal} Your learnings were not added. The series: "
            f"{external_url('sessions.series_page', series_id=row.id)}"
        )
    items = read_reply(reply.text)
    problem = reply_problem(items)
    if problem:
        raise ReplyRefused(problem)
    had = {
        (str(kind), text.casefold())
        for kind, text in db.session.execute(
            sa.select(Learning.kind, Learning.text).where(
                Learning.week_id == week.id, Learning.author_id == reply.user_id
            )
        )
    }
    for item in items:
        if (item.kind, item.text.casefold()) in had:
            continue
        db.session.add(
            Learning(
                week_id=week.id,
                author_id=reply.user_id,
                kind=LearningKind(item.kind),
                text=item.text,
                via="email",
                source_message_id=source,
            )
        )
    db.session.flush()


# -- the prompt --------------------------------------------------------------------------------


def send_due_prompts(now: datetime) -> int:
    """Ask each invitee for learnings before every session that starts within its series'
    prompt time (a day by default) and has not started; return how many emails were queued.
    Each week is asked once (`prompted_at`); safe to run twice. Runs in the periodic job,
    and commits each series on its own: its row is locked while its weeks are asked."""
    sent = 0
    live = db.session.scalars(
        sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None)).order_by(SessionSeries.id)
    ).all()
    for series_id in live:
        row = db.session.scalar(sa.select(SessionSeries).where(SessionSeries.id == series_id).with_for_update())
        if row is None or row.cancelled_at is not None:
            db.session.rollback()
            continue
        for session in occurrences(as_series(row), now, now + timedelta(hours=row.prompt_hours)):
            week = find_week(row.id, session.day)
            if week is not None and (week.prompted_at or week.skipped or week.started_at or week.closed_at):
                continue
            week = week_row(row, session.day)
            sent += _prompt_week(row, week, session)
            week.prompted_at = now
        db.session.commit()
    return sent


def _prompt_week(row: SessionSeries, week: SessionWeek, session: Occurrence) -> int:
    sent = 0
    page = external_url("sessions.week_page", series_id=row.id, day=week.day.isoformat())
    for member in sorted(row.members, key=lambda m: m.user_id):
        person = member.user
        if member.left_at is not None or not person.active or email_problem(person.email):
            continue
        send_mail(
            key=f"session-prompt:{week.id}:{person.id}",
            kind="session-prompt",
            to=person,
            subject=f"Your learnings for {row.title} ({day_name(session.start_local)})",
            template="sessions/email/prompt",
            about=week,
            thread=f"session-week-{week.id}",
            reply_to=reply_address(LEARNINGS_PURPOSE, week.id, person.id),
            context=dict(
                series=row,
                page=page,
                when=describe_when(session.start_utc, session.end_utc, person.timezone),
                labels=REPLY_LABELS,
                text_max=TEXT_MAX,
                names_shown=row.names_shown,
            ),
        )
        sent += 1
    if sent:
        log.info("session prompt: series=%s week=%s emails=%s", row.id, week.day, sent)
    return sent


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
        sa.select(Learning, User.name)
        .outerjoin(User, Learning.author_id == User.id)
        .where(Learning.week_id == week.id)
        .order_by(Learning.id)
    )
    return [
        LearningNote(learning.id, learning.kind.value, learning.text, learning.author_id, name, learning.group_id)
        for learning, name in rows
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
