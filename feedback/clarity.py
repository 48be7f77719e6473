"""Question clarity: a mentor who answered a question may rate how clearly it was asked
(1 to 5, optional). The asker sees only an aggregate over at least three ratings, with a
tip on asking better; nobody sees who rated what.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.help import thread
from app.help.access import visible_questions
from app.help.models import Post, Question
from app.people.models import User
from app.people.services import InvalidInput
from feedback.errors import NotAllowed, NotFound
from feedback.models import ClarityRating
from feedback.rules import ClarityShown, clarity_shown

RECENT_DAYS = 30  # questions answered this recently are offered for rating
RECENT_LIMIT = 10


def check_score(score) -> int:
    """The clarity score, or InvalidInput saying the scale."""
    if type(score) is not int or not 1 <= score <= 5:
        raise InvalidInput({"score": "Rate how clear the question was from 1 (hard to follow) to 5 (very clear)."})
    return score


def ratable_question(question_id: int, mentor_id: int) -> Question:
    """The question, if this person answered it and so may rate its clarity.

    NotFound if they may not see it; NotAllowed if they see it but did not answer it.
    """
    try:
        question, _ = thread.visible_question(question_id, mentor_id)
    except thread.QuestionNotFound:
        raise NotFound("There is no such question.") from None
    if question.asker_id == mentor_id:
        raise NotAllowed("You asked this question; the mentors who answered it rate how clear it was.")
    if not thread.answered_by(question, mentor_id):
        raise NotAllowed("Only a mentor who answered this question can rate how clear it was.")
    return question


def rate_clarity(question_id: int, mentor_id: int, score: int) -> ClarityRating:
    """Record how clear a question was, by a mentor who answered it; rating again replaces it."""
    question = ratable_question(question_id, mentor_id)
    score = check_score(score)
    now = utcnow()
    rating = my_rating(question.id, mentor_id)
    if rating is None:
        rating_id = insert_unless_exists(ClarityRating.__table__, dict(
            question_id=question.id, mentor_id=mentor_id, asker_id=question.asker_id, score=score,
            created_at=now, updated_at=now), ["question_id", "mentor_id"])
        rating = db.session.get(ClarityRating, rating_id) if rating_id else my_rating(question.id, mentor_id)
    rating.score, rating.updated_at = score, now
    db.session.commit()
    return rating


def my_rating(question_id: int, mentor_id: int) -> ClarityRating | None:
    """The mentor's own rating of a question, if they gave one."""
    return db.session.scalar(sa.select(ClarityRating).where(
        ClarityRating.question_id == question_id, ClarityRating.mentor_id == mentor_id))


def clarity_for_asker(asker_id: int) -> ClarityShown | None:
    """How clearly the person asks, over every rating of their questions, with a tip;
    None below three ratings."""
    return clarity_shown(db.session.scalars(
        sa.select(ClarityRating.score).where(ClarityRating.asker_id == asker_id)))


def answered_recently(mentor_id: int, days: int = RECENT_DAYS,
                      limit: int = RECENT_LIMIT) -> list[tuple[Question, int | None]]:
    """The questions the mentor answered lately and may still read (a lead who answered as
    lead and has moved on may not), newest answer first, each with the mentor's clarity
    rating so far (None if not rated)."""
    mentor = db.session.get(User, mentor_id)
    readable = visible_questions(mentor).with_only_columns(Question.id)
    answered = (sa.select(Post.question_id, sa.func.max(Post.created_at).label("at"))
                .join(Question, Question.id == Post.question_id)
                .where(Post.author_id == mentor_id, Question.asker_id != mentor_id,
                       Post.question_id.in_(readable), Post.created_at >= utcnow() - timedelta(days=days))
                .group_by(Post.question_id).subquery())
    rows = db.session.execute(
        sa.select(Question, ClarityRating.score)
        .join(answered, answered.c.question_id == Question.id)
        .outerjoin(ClarityRating, sa.and_(ClarityRating.question_id == Question.id,
                                          ClarityRating.mentor_id == mentor_id))
        .order_by(answered.c.at.desc(), Question.id.desc()).limit(limit)).all()
    return [(question, score) for question, score in rows]
