"""Taking a question holds it: "I'll take it" keeps the question with the taker until they
answer, release it ("I can't after all"), or the taken window ends, counted in their
working time (TAKEN_HOURS_BLOCKING working hours for a blocking question,
TAKEN_DAYS_CAN_WAIT working days for one that can wait). One reminder goes to the taker
TAKEN_REMINDER_MINUTES of working time before the hold ends; when it ends, routing moves the
question on and tells the taker and the asker where it went.

Like routing, `take_question` commits the hold itself before it schedules its reminder and
its deadline check in Redis (app/unit_of_work.py); `remind_taker` leaves the commit to its
job. Each is safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
import sqlalchemy as sa
from flask import current_app

from app.extensions import UTCDateTime, db, utcnow
from app.help import chat_cards, notices
from app.help.mentor_pool import schedule_of
from app.help.models import Attempt, AttemptState, Question, QuestionState, Urgency
from app.help.routing import NotAsked, RoutingError, pass_question, schedule_check
from app.help.working_time import Schedule, add_working
from app.jobs import job_queues
from app.people.models import User
from app.webhooks import events as webhook_events

log = logging.getLogger(__name__)


def taken_window(schedule: Schedule, urgency: Urgency) -> timedelta:
    """How much of the taker's working time a take holds the question."""
    config = current_app.config
    if urgency == Urgency.BLOCKING:
        return timedelta(hours=config["TAKEN_HOURS_BLOCKING"])
    return schedule.shift * config["TAKEN_DAYS_CAN_WAIT"]


def hold_until(schedule: Schedule, urgency: Urgency, start: datetime) -> datetime:
    """When a take made at `start` stops holding the question."""
    return add_working(schedule, start, taken_window(schedule, urgency))


def reminder_at(schedule: Schedule, urgency: Urgency, start: datetime) -> datetime:
    """When the taker is reminded: the reminder lead of working time before the hold ends."""
    window = taken_window(schedule, urgency)
    lead = timedelta(minutes=current_app.config["TAKEN_REMINDER_MINUTES"])
    return add_working(schedule, start, max(window - lead, timedelta(0)))


def take_question(attempt_id: int, mentor_id: int) -> Attempt:
    """The asked mentor says they are on it: the question is theirs for the taken window.

    The first take sets the deadline to the end of the window (a deadline is never
    shortened), mails the asker, and schedules the reminder; taking it again changes
    nothing. Raises NotAsked for anyone but the asked mentor, RoutingError if the question
    has moved on already.
    """
    now = utcnow()
    row = db.session.execute(
        sa.select(Question.urgency, User)
        .select_from(Attempt)
        .join(Question)
        .join(User, User.id == Attempt.mentor_id)
        .where(Attempt.id == attempt_id)
    ).first()
    urgency, person = (row[0], row[1]) if row else (Urgency.CAN_WAIT, None)
    schedule = schedule_of(person) if person is not None else Schedule()
    until = sa.literal(hold_until(schedule, urgency, now), UTCDateTime)
    # Conditional update: a deadline check or a pass racing with the take acts once.
    taken = db.session.execute(
        sa.update(Attempt)
        .where(
            Attempt.id == attempt_id,
            Attempt.mentor_id == mentor_id,
            Attempt.state == AttemptState.WAITING,
            Attempt.taken_at.is_(None),
            Attempt.question_id.in_(sa.select(Question.id).where(Question.state == QuestionState.OPEN)),
        )
        .values(taken_at=now, deadline_at=sa.case((Attempt.deadline_at < until, until), else_=Attempt.deadline_at))
    ).rowcount
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if not taken:
        db.session.rollback()  # ends the transaction the update began, as the take's commit would
        if attempt is None or attempt.mentor_id != mentor_id:
            raise NotAsked("This question was not sent to you.")
        if attempt.state != AttemptState.WAITING or attempt.question.state != QuestionState.OPEN:
            raise RoutingError("This question has moved on already.")
        return attempt  # taken before: it stays as it is
    notices.taken(attempt)
    chat_cards.revise_attempt(attempt)  # the message that asked them now says it is theirs
    webhook_events.question("question.taken", attempt.question, mentor_id=mentor_id, until=attempt.deadline_at)
    follow_up = (attempt.id, attempt.deadline_at, urgency, reminder_at(schedule, urgency, now))
    db.session.commit()
    schedule_check(*follow_up[:3])  # the check at the old deadline finds it not due, and leaves it
    _schedule_reminder(follow_up[0], follow_up[3], urgency)
    return attempt


def _schedule_reminder(attempt_id: int, when: datetime, urgency: Urgency) -> None:
    queue = "urgent" if urgency == Urgency.BLOCKING else "default"
    try:
        job_queues().queues[queue].enqueue_at(when, remind_taker, attempt_id)
    except redis.RedisError:
        log.exception("could not schedule the reminder of attempt %s; the sweeper will send it", attempt_id)


def remind_taker(attempt_id: int) -> bool:
    """Remind the taker, once, that their hold on the question ends soon; return whether sent.

    Does nothing for a question answered, released or moved on meanwhile, or reminded before.
    """
    reminded = db.session.execute(
        sa.update(Attempt)
        .where(
            Attempt.id == attempt_id,
            Attempt.state == AttemptState.WAITING,
            Attempt.taken_at.is_not(None),
            Attempt.reminded_at.is_(None),
            Attempt.question_id.in_(sa.select(Question.id).where(Question.state == QuestionState.OPEN)),
        )
        .values(reminded_at=utcnow())
    ).rowcount
    if not reminded:
        return False
    notices.hold_ending(db.session.get(Attempt, attempt_id, populate_existing=True))
    return True


def reminders_due(now: datetime) -> list[int]:
    """Taken attempts whose reminder is due and not sent (its scheduled job was lost)."""
    config = current_app.config
    lead = timedelta(minutes=config["TAKEN_REMINDER_MINUTES"])
    return list(
        db.session.scalars(
            sa.select(Attempt.id)
            .where(
                Attempt.state == AttemptState.WAITING,
                Attempt.taken_at.is_not(None),
                Attempt.reminded_at.is_(None),
                Attempt.deadline_at <= now + lead,
            )
            .order_by(Attempt.deadline_at)
        )
    )


def release_question(attempt_id: int, mentor_id: int, hint: str = "") -> Attempt | None:
    """The taker says "I can't after all": the question moves on at once and the asker is
    told where it went; return the next attempt, if someone could take it now.

    Raises NotAsked for anyone but the taker, RoutingError when it was not taken (pass it
    on instead) or has moved on already.
    """
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if (
        attempt is not None
        and attempt.mentor_id == mentor_id
        and attempt.state == AttemptState.WAITING
        and attempt.taken_at is None
    ):
        raise RoutingError("You have not taken this question: pass it on instead.")
    # Routing moves it on and tells the asker; it acts once, whoever races it.
    return pass_question(attempt_id, mentor_id, hint, released=True)


def where_it_went(following: Attempt | None) -> str:
    """Where a question went after leaving someone, for the page they are on."""
    if following is None:
        return "Nobody else can take it right now; it stays open and goes to the next person who can."
    return f"We asked {following.mentor.name} now."
