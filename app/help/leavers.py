"""The help desk's part when a person leaves (`person_leaving`, app.people.leavers).

- Each question waiting for their answer, asked or taken, moves on at once: their attempt
  ends as LEFT and, after the commit, a job routes the question to the next mentor (the
  routing's own path, as after a pass) and tells the asker where it went.
- Their own open questions are withdrawn: nobody is asked any more, the question is closed
  as resolved and kept out of the knowledge base (private), and a mentor who had already
  been told of it or taken it hears that no answer is needed. Questions already answered
  stay as they are. Reactivated, they ask again if they still need to.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help import chat_cards, notices
from app.help.models import Attempt, AttemptState, Question, QuestionState, Visibility
from app.help.routing import route_question
from app.jobs import enqueue_after_commit


def on_person_leaving(sender, user_id: int, **extra) -> None:
    """Move on the questions waiting for the leaver, and withdraw the ones they asked."""
    move_on_from(user_id)
    withdraw_questions_of(user_id)


def move_on_from(user_id: int) -> list[int]:
    """End the leaver's live attempts, and have each question routed on after the commit;
    return the attempts ended."""
    ended = db.session.scalars(
        sa.update(Attempt)
        .where(Attempt.mentor_id == user_id, Attempt.state == AttemptState.WAITING)
        .values(state=AttemptState.LEFT, closed_at=utcnow())
        .returning(Attempt.id)
    ).all()
    for attempt_id in sorted(ended):
        chat_cards.revise_attempt(db.session.get(Attempt, attempt_id, populate_existing=True))
        enqueue_after_commit(move_on_job, attempt_id)
    return list(ended)


def move_on_job(attempt_id: int) -> int | None:
    """Route the question of an attempt whose mentor left, and tell the asker where it went;
    return the next attempt's id. Safe to run twice: routing asks one person at a time, and
    the asker's mail has one key per attempt."""
    left = db.session.get(Attempt, attempt_id)
    if left is None or left.state != AttemptState.LEFT:
        return None
    question_id = left.question_id
    following = route_question(question_id) or _live_attempt(question_id)
    left = db.session.get(Attempt, attempt_id, populate_existing=True)
    if left.question.state == QuestionState.OPEN:
        notices.moved_on(left, following, to_taker=False)
        db.session.commit()
    return following.id if following else None


def _live_attempt(question_id: int) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.question_id == question_id, Attempt.state == AttemptState.WAITING)
    )


def withdraw_questions_of(user_id: int) -> list[int]:
    """Close the leaver's open questions so that no mentor is asked them any more; return
    their ids."""
    now = utcnow()
    questions = list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.asker_id == user_id, Question.state == QuestionState.OPEN)
            .order_by(Question.id)
        )
    )
    for question in questions:
        live = _live_attempt(question.id)
        if live is not None:
            live.state, live.closed_at = AttemptState.CLOSED, now
            chat_cards.revise_attempt(live, chat_cards.WITHDRAWN)
            if live.notified_at is not None or live.taken_at is not None:
                notices.withdrawn(live)
        question.state = QuestionState.RESOLVED
        question.resolved_at = question.resolved_at or now
        question.visibility = Visibility.PRIVATE
    db.session.flush()
    return [q.id for q in questions]


def what_leaving_does(sender, user_id: int, **extra) -> list[str]:
    """Say how many questions would move on, and how many of theirs would be withdrawn."""
    waiting = db.session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(Attempt.mentor_id == user_id, Attempt.state == AttemptState.WAITING)
    )
    asked = db.session.scalar(
        sa.select(sa.func.count(Question.id)).where(Question.asker_id == user_id, Question.state == QuestionState.OPEN)
    )
    return [
        f"{_count(waiting, 'question')} waiting for their answer (asked or taken) will move to other mentors at once.",
        f"{_count(asked, 'open question')} they asked will be withdrawn.",
    ]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
