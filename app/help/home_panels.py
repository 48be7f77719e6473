"""The help desk's panels on the home page: a new hire's open questions and where each
stands, a mentor's questions waiting for them or taken by them, and the lead's escalations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.help.choosing import LEAD_TIER
from app.help.models import Attempt, AttemptState, Question, QuestionState
from app.people import home
from app.people.models import Role, User
from app.times import time_with_zone

# Where a question stands, in the words the asker reads.
ASKED = "Asked"
WITH_A_MENTOR = "With a mentor"
TAKEN = "Taken"
ANSWERED = QuestionState.ANSWERED.label


def where_it_stands(question: Question) -> str:
    """Asked (nobody has it yet), with a mentor, taken (a mentor is on it), or answered."""
    if question.state == QuestionState.ANSWERED:
        return ANSWERED
    live = next((a for a in question.attempts if a.state == AttemptState.WAITING), None)
    if live is None:
        return ASKED
    return TAKEN if live.taken_at is not None else WITH_A_MENTOR


def show_my_questions(user: User) -> home.Shown:
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.asker_id == user.id, Question.state != QuestionState.RESOLVED)
        .options(selectinload(Question.attempts))
        .order_by(Question.created_at.desc(), Question.id.desc())
    ).all()
    return home.Shown(
        "help/home_my_questions.html", {"rows": [(question, where_it_stands(question)) for question in questions]}
    )


def _waiting_for(user: User, escalated: bool) -> list[Attempt]:
    tier = Attempt.tier == LEAD_TIER if escalated else Attempt.tier != LEAD_TIER
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .join(Question)
            .where(
                Attempt.mentor_id == user.id,
                Attempt.state == AttemptState.WAITING,
                Question.state == QuestionState.OPEN,
                tier,
            )
            .options(joinedload(Attempt.question))
            .order_by(Attempt.deadline_at, Attempt.id)
        )
    )


def show_for_mentor(user: User) -> home.Shown:
    attempts = _waiting_for(user, escalated=False)
    return home.Shown(
        "help/home_for_mentor.html",
        {
            "waiting": [(a, time_with_zone(a.deadline_at, user.timezone)) for a in attempts if a.taken_at is None],
            "taken": [(a, time_with_zone(a.deadline_at, user.timezone)) for a in attempts if a.taken_at is not None],
        },
    )


def show_for_lead(user: User) -> home.Shown:
    attempts = _waiting_for(user, escalated=True)
    return home.Shown(
        "help/home_for_lead.html", {"escalated": [(a, time_with_zone(a.deadline_at, user.timezone)) for a in attempts]}
    )


def register(app: Flask) -> None:
    home.register(app, Role.NEW_HIRE, "my questions", 10, show_my_questions)
    home.register(app, Role.MENTOR, "questions for you", 10, show_for_mentor)
    home.register(app, Role.LEAD, "questions for the lead", 10, show_for_lead)
