"""Question clarity: a mentor who answered a question may rate how clearly it was asked
(1 to 5, optional). The asker sees only an aggregate over at least three ratings, with a
tip on asking better; nobody sees who rated what. What the asker reads changes only once
three new ratings have come, so that reading it before and after a rating never gives it away.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.database import dialect_insert, insert_unless_exists
from app.errors import InvalidInput, Refused
from app.extensions import db, utcnow
from app.help import thread
from app.help.access import visible_questions
from app.help.models import Post, Question
from app.people.models import User
from feedback.models import ClarityAsShown, ClarityRating
from feedback.rules import ClarityShown, clarity_due, clarity_shown, clarity_tip

RECENT_DAYS = 30  # questions answered this recently are offered for rating
RECENT_LIMIT = 10


def check_score(score) -> int:
    """The clarity score, or InvalidInput saying the scale."""
    if type(score) is not int or not 1 <= score <= 5:
        raise InvalidInput({"score": "Rate how clear the question was from 1 (hard to follow) to 5 (very clear)."})
    return score


def ratable_question(question_id: int, mentor_id: int) -> Question:
    """The question, if this person answered it and so may rate its clarity.

    QuestionNotFound (a NotFound) if they may not see it; Refused if they see it but did not
    answer it.
    """
    question, _ = thread.visible_question(question_id, mentor_id)
    if question.asker_id == mentor_id:
        raise Refused("You asked this question; the mentors who answered it rate how clear it was.")
    if not thread.answered_by(question, mentor_id):
        raise Refused("Only a mentor who answered this question can rate how clear it was.")
    return question


def rate_clarity(question_id: int, mentor_id: int, score: int) -> ClarityRating:
    """Record how clear a question was, by a mentor who answered it; rating again replaces it."""
    question = ratable_question(question_id, mentor_id)
    score = check_score(score)
    now = utcnow()
    rating = my_rating(question.id, mentor_id)
    rating_id = None
    if rating is None:
        rating_id = insert_unless_exists(
            ClarityRating.__table__,
            dict(
                question_id=question.id,
                mentor_id=mentor_id,
                asker_id=question.asker_id,
                score=score,
                created_at=now,
                updated_at=now,
            ),
            ["question_id", "mentor_id"],
        )
        rating = db.session.get(ClarityRating, rating_id) if rating_id else my_rating(question.id, mentor_id)
    rating.score, rating.updated_at = score, now
    if rating_id is not None:  # a new rating, not a changed one
        bring_up_to_date(question.asker_id)
    db.session.flush()
    return rating


def bring_up_to_date(asker_id: int) -> None:
    """Update what the asker reads of their clarity if three new ratings have come since it
    was last updated (feedback.rules.clarity_due); otherwise leave it as they read it."""
    db.session.flush()
    shown = db.session.get(ClarityAsShown, asker_id)
    through = shown.through_rating_id if shown else 0
    new = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ClarityRating)
        .where(ClarityRating.asker_id == asker_id, ClarityRating.id > through)
    )
    if not clarity_due(new):
        return
    rows = db.session.execute(
        sa.select(ClarityRating.id, ClarityRating.score).where(ClarityRating.asker_id == asker_id)
    ).all()
    now = clarity_shown(score for _, score in rows)
    values = dict(
        responses=now.responses,
        total=sum(score for _, score in rows),
        through_rating_id=max(rating_id for rating_id, _ in rows),
        shown_at=utcnow(),
    )
    if shown is None:
        # Two first updates at once: one row, and the later one's values.
        db.session.execute(
            dialect_insert(ClarityAsShown.__table__)
            .values(asker_id=asker_id, **values)
            .on_conflict_do_nothing(index_elements=["asker_id"])
        )
        shown = db.session.get(ClarityAsShown, asker_id)
    for name, value in values.items():
        setattr(shown, name, value)


def my_rating(question_id: int, mentor_id: int) -> ClarityRating | None:
    """The mentor's own rating of a question, if they gave one."""
    return db.session.scalar(
        sa.select(ClarityRating).where(ClarityRating.question_id == question_id, ClarityRating.mentor_id == mentor_id)
    )


def clarity_for_asker(asker_id: int) -> ClarityShown | None:
    """How clearly the person asks, with a tip, as last brought up to date (over at least
    three ratings, updated only once three more have come); None before there are three."""
    shown = db.session.get(ClarityAsShown, asker_id)
    if shown is None:
        return None
    mean = shown.total / shown.responses
    return ClarityShown(shown.responses, mean, clarity_tip(mean))


def answered_recently(
    mentor_id: int, days: int = RECENT_DAYS, limit: int = RECENT_LIMIT
) -> list[tuple[Question, int | None]]:
    """The questions the mentor answered lately and may still read (a lead who answered as
    lead and has moved on may not), newest answer first, each with the mentor's clarity
    rating so far (None if not rated)."""
    mentor = db.session.get(User, mentor_id)
    readable = visible_questions(mentor).with_only_columns(Question.id)
    answered = (
        sa.select(Post.question_id, sa.func.max(Post.created_at).label("at"))
        .join(Question, Question.id == Post.question_id)
        .where(
            Post.author_id == mentor_id,
            Question.asker_id != mentor_id,
            Post.question_id.in_(readable),
            Post.created_at >= utcnow() - timedelta(days=days),
        )
        .group_by(Post.question_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Question, ClarityRating.score)
        .join(answered, answered.c.question_id == Question.id)
        .outerjoin(
            ClarityRating, sa.and_(ClarityRating.question_id == Question.id, ClarityRating.mentor_id == mentor_id)
        )
        .order_by(answered.c.at.desc(), Question.id.desc())
        .limit(limit)
    ).all()
    return [(question, score) for question, score in rows]
