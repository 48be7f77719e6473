"""Routing a stuck question to the person who should answer it.

One attempt at a time, each with a deadline in the person's working time: the best-ranked
mentor first (matching's ranking core decides the order; for a blocking question, the best
one working now), the next one when the deadline passes or the mentor passes, and after
ROUTING_ATTEMPTS tries the team lead (who: app.help.choosing). Services take ids, load
fresh state, and are safe to run twice. A question nobody can take now stays open, and the
sweeper tries it again. Taking holds: app.help.holds.

Routing owns its transactions, as few flows in Unstuck do (app/unit_of_work.py):
`route_question` locks the question, rolls back to look again when the chosen mentor filled
up meanwhile, and commits the new attempt before it schedules the attempt's deadline check
in Redis. So what ends an attempt and moves the question on (a pass, a deadline, a mail
that could not reach the person) commits the ended attempt first, and then routes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, selectinload

from app.errors import Conflict, NotFound
from app.extensions import db, utcnow
from app.help import chat_cards, notices
from app.help.choosing import LEAD_TIER, MentorFull, choose, when_told
from app.help.models import Attempt, AttemptState, Question, QuestionState, Urgency
from app.help.working_time import add_working, next_working_start
from app.jobs import job_queues
from app.mail.outgoing.bounces import PausedMail
from app.people.models import User
from app.webhooks import events as webhook_events

log = logging.getLogger(__name__)

HINT_LIMIT = 300
# How often to look again when a mentor filled up between ranking and asking.
CLAIM_TRIES = 3


class RoutingError(Conflict):
    """A routing action that cannot happen now; the message says why."""


class NotAsked(NotFound, RoutingError):
    """The person was not asked this question (or there is no such attempt)."""


def answer_time(urgency: Urgency) -> timedelta:
    """How long a mentor has to reply to a question of this urgency."""
    name = "ANSWER_MINUTES_BLOCKING" if urgency == Urgency.BLOCKING else "ANSWER_MINUTES_CAN_WAIT"
    return timedelta(minutes=current_app.config[name])


# Routing


def route_question(question_id: int) -> Attempt | None:
    """Ask the next best mentor (or, after the last attempt, the team lead); return the attempt.

    Returns None and changes nothing when the question is not open, already waits on
    someone, or nobody can take it now (the sweeper tries again later).
    """
    for _ in range(CLAIM_TRIES):
        try:
            attempt = _route_once(question_id)
        except MentorFull:
            db.session.rollback()
            continue
        except IntegrityError:
            # Another run asked someone meanwhile: one live attempt per question is the rule.
            db.session.rollback()
            return None
        if attempt is None:
            db.session.rollback()  # ends the transaction, and the lock on the question
        return attempt
    return None


_attempts = Attempt.__table__
_TRIED = (
    sa.select(_attempts.c.mentor_id, _attempts.c.state, _attempts.c.number)
    .where(_attempts.c.question_id == sa.bindparam("question"))
    .order_by(_attempts.c.number)
)
# The people a notice names are loaded alone: what else a person's row leads to (roles,
# skills) is read only if a notice asks for it.
_PERSON_ONLY = (lazyload(User.role_rows), lazyload(User.skills))


def _route_once(question_id: int) -> Attempt | None:
    # The lock makes a job and the sweeper routing one question at once take turns.
    question = db.session.get(Question, question_id, with_for_update=True, populate_existing=True)
    if question is None or question.state != QuestionState.OPEN:
        return None
    attempts = db.session.execute(_TRIED, {"question": question.id}).all()
    if any(a.state == AttemptState.WAITING for a in attempts):
        return None
    now = utcnow()
    choice = choose(question, attempts, now)
    if choice is None:
        return None
    mentor_id, tier, schedule = choice.person_id, choice.tier, choice.schedule
    # Deadlines and pings run in the person's working time: a mail that would reach them
    # off work waits for the start of their next shift, and so does their answer time.
    starts = next_working_start(schedule, now)
    told_at, mail_now = when_told(question.urgency, mentor_id, now, schedule.timezone)
    told_at = max(told_at, starts)
    attempt = Attempt(
        question_id=question.id,
        mentor_id=mentor_id,
        tier=tier,
        number=attempts[-1].number + 1 if attempts else 1,
        deadline_at=add_working(schedule, told_at, answer_time(question.urgency)),
        created_at=now,
    )
    db.session.add(attempt)
    if tier == LEAD_TIER:
        question.escalated = True
    if question.first_routed_at is None:
        question.first_routed_at = now
    db.session.flush()
    webhook_events.question("question.routed", question, mentor_id=mentor_id, deadline_at=attempt.deadline_at)
    tell_now = mail_now and starts <= now
    blocking = question.urgency == Urgency.BLOCKING
    # The people the notices name, loaded alone and held while the notices run (the session
    # keeps an unchanged row only while something holds it).
    _named = (
        [db.session.get(User, p, options=_PERSON_ONLY) for p in {mentor_id, question.asker_id}]
        if tell_now or blocking
        else []
    )
    if tell_now:
        notices.ask(attempt, escalated=tier == LEAD_TIER)
        attempt.notified_at = now
    # Else a job mails them when their work starts, or their digest or web inbox tells them.
    elsewhere = choice.some_off and schedule.timezone != question.asker.timezone
    if blocking and (starts > now or elsewhere):
        notices.off_hours(attempt, starts)  # the asker hears who has it, and from when
    follow_up = (attempt.id, attempt.deadline_at, question.urgency, starts if mail_now and starts > now else None)
    db.session.commit()
    schedule_check(*follow_up[:3])
    if follow_up[3] is not None:
        _schedule_job(follow_up[3], tell_mentor, follow_up[0], follow_up[2])
    return attempt


def tell_mentor(attempt_id: int) -> bool:
    """Mail the person asked, at the start of their working time, if still waiting and not
    told yet; return whether it was sent. Running it twice sends one mail."""
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.question.state != QuestionState.OPEN:
        return False
    told = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.state == AttemptState.WAITING, Attempt.notified_at.is_(None))
        .values(notified_at=utcnow())
    ).rowcount
    if not told:
        return False
    notices.ask(attempt, escalated=attempt.tier == LEAD_TIER)
    return True


def schedule_check(attempt_id: int, deadline: datetime, urgency: Urgency) -> None:
    """Have a job check the attempt at its deadline; if Redis is down, the sweeper will."""
    _schedule_job(deadline, check_deadline, attempt_id, urgency)


def _schedule_job(when: datetime, job, attempt_id: int, urgency: Urgency) -> None:
    queue = "urgent" if urgency == Urgency.BLOCKING else "default"
    try:
        job_queues().queues[queue].enqueue_at(when, job, attempt_id)
    except redis.RedisError:
        log.exception("could not schedule %s of attempt %s; the sweeper will do it", job.__name__, attempt_id)


# Deadlines, passes and answers


def check_deadline(attempt_id: int) -> bool:
    """Time the attempt out if it still waits past its deadline, and move the question on.

    Returns whether it timed out now. Running it again, or after the mentor answered or
    passed, changes nothing: the update only matches a waiting attempt that is overdue.
    """
    now = utcnow()
    row = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.state == AttemptState.WAITING, Attempt.deadline_at <= now)
        .values(state=AttemptState.TIMED_OUT, closed_at=now)
        .returning(Attempt.question_id, Attempt.taken_at)
    ).first()
    if row is None:
        db.session.rollback()
        return False
    _revise(attempt_id)
    db.session.commit()
    following = route_question(row.question_id)
    if row.taken_at is not None:
        # The hold of someone who took it ended: they and the asker hear where it went.
        notices.moved_on(db.session.get(Attempt, attempt_id), following, to_taker=True)
        db.session.commit()
    return True


def pass_question(attempt_id: int, mentor_id: int, hint: str = "", released: bool = False) -> Attempt | None:
    """The asked mentor passes, optionally hinting who to ask; the question moves on at once.
    When the mentor had taken it, the asker is told where it went; `released` marks it as
    their "I can't after all".

    Returns the next attempt, if someone could take it now. Raises NotAsked for anyone
    but the asked mentor, RoutingError if the question has moved on already.
    """
    hint = " ".join(hint.split())
    if len(hint) > HINT_LIMIT:
        raise RoutingError(f"Please keep the hint under {HINT_LIMIT} characters.")
    now = utcnow()
    row = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.mentor_id == mentor_id, Attempt.state == AttemptState.WAITING)
        .values(state=AttemptState.RELEASED if released else AttemptState.PASSED, hint=hint, closed_at=now)
        .returning(Attempt.question_id, Attempt.taken_at)
    ).first()
    if row is None:
        db.session.rollback()
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is None or attempt.mentor_id != mentor_id:
            raise NotAsked("This question was not sent to you.")
        raise RoutingError("This question has moved on already.")
    _revise(attempt_id)
    db.session.commit()
    following = route_question(row.question_id)
    if row.taken_at is not None:  # they had told the asker they were on it: the asker hears where it went
        notices.moved_on(db.session.get(Attempt, attempt_id, populate_existing=True), following, to_taker=False)
        db.session.commit()
    return following


def mentor_unreached(paused: PausedMail) -> Attempt | None:
    """The mail asking someone was not sent: mail to them is paused, it keeps bouncing. Nobody
    would see the question before its deadline, so their attempt ends as unreached and the
    next person is asked now; return that attempt. Running it again changes nothing, and
    neither does it once the person took the question (they saw it in the web app)."""
    attempt_id = notices.asked_attempt_id(paused.key)
    if attempt_id is None or paused.user_id is None:
        return None
    question_id = db.session.scalar(
        sa.update(Attempt)
        .where(
            Attempt.id == attempt_id,
            Attempt.mentor_id == paused.user_id,
            Attempt.state == AttemptState.WAITING,
            Attempt.taken_at.is_(None),
        )
        .values(state=AttemptState.UNREACHED, closed_at=utcnow())
        .returning(Attempt.question_id)
    )
    if question_id is None:
        db.session.rollback()
        return None
    _revise(attempt_id)
    db.session.commit()
    log.info("question %s moved on from %s: not told, %s", question_id, paused.user_id, paused.why)
    return route_question(question_id)


def answer_arrived(question_id: int, author_id: int) -> None:
    """A reply was posted: close the live attempt (whoever wrote it).

    The attempt counts as answered if its mentor wrote the reply, else it is closed: an
    answer from a mentor the question had moved away from still ends the wait. The
    question stops waiting for a mentor, so nothing routes it again. A follow-up by the
    asker is not a reply and changes nothing.
    """
    asker_id = db.session.scalar(sa.select(Question.asker_id).where(Question.id == question_id))
    if asker_id is None or author_id == asker_id:
        return
    now = utcnow()
    live = (Attempt.question_id == question_id, Attempt.state == AttemptState.WAITING)
    # Conditional updates: a deadline check or a pass racing with the answer acts once.
    ended = list(
        db.session.scalars(
            sa.update(Attempt)
            .where(*live, Attempt.mentor_id == author_id)
            .values(state=AttemptState.ANSWERED, closed_at=now)
            .returning(Attempt.id)
        )
    )
    ended += db.session.scalars(
        sa.update(Attempt).where(*live).values(state=AttemptState.CLOSED, closed_at=now).returning(Attempt.id)
    ).all()
    for attempt_id in ended:
        _revise(attempt_id, chat_cards.ANSWERED_ELSEWHERE)
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question_id, Question.state == QuestionState.OPEN)
        .values(state=QuestionState.ANSWERED)
    )


def _revise(attempt_id: int, why: str | None = None) -> None:
    """The chat messages that asked the attempt's person say where it stands now."""
    chat_cards.revise_attempt(db.session.get(Attempt, attempt_id, populate_existing=True), why)


# What the sweeper and the pages read


def waiting_for(user_id: int) -> list[Attempt]:
    """The questions waiting for this person's reply, the nearest deadline first."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .join(Question)
            .where(
                Attempt.mentor_id == user_id,
                Attempt.state == AttemptState.WAITING,
                Question.state == QuestionState.OPEN,
            )
            .options(
                selectinload(Attempt.question).selectinload(Question.skills),
                selectinload(Attempt.question).selectinload(Question.attempts),
            )
            .order_by(Attempt.deadline_at, Attempt.id)
        )
    )


def stranded_questions() -> list[int]:
    """Open questions that wait on nobody (a lost job, Redis down, nobody free), oldest first."""
    live = sa.select(Attempt.question_id).where(Attempt.state == AttemptState.WAITING)
    return list(
        db.session.scalars(
            sa.select(Question.id)
            .where(Question.state == QuestionState.OPEN, Question.id.not_in(live))
            .order_by(Question.created_at, Question.id)
        )
    )


def untold_attempts(now: datetime) -> list[int]:
    """Blocking attempts whose mail waited for the person's work to start, and it has (their
    scheduled mail was lost): the time to answer has begun, so they are told now."""
    return list(
        db.session.scalars(
            sa.select(Attempt.id)
            .join(Question)
            .where(
                Attempt.state == AttemptState.WAITING,
                Attempt.notified_at.is_(None),
                Question.urgency == Urgency.BLOCKING,
                Question.state == QuestionState.OPEN,
                Attempt.deadline_at <= now + answer_time(Urgency.BLOCKING),
            )
            .order_by(Attempt.deadline_at)
        )
    )


def overdue_attempts(now: datetime) -> list[int]:
    """Attempts still waiting after their deadline (their scheduled check was lost or is late)."""
    return list(
        db.session.scalars(
            sa.select(Attempt.id)
            .where(Attempt.state == AttemptState.WAITING, Attempt.deadline_at <= now)
            .order_by(Attempt.deadline_at)
        )
    )
