"""Test data for routing: skills, mentors, questions written straight into the database,
deadlines moved into the past, and the mails people got. Shared by the routing, sweeper and
page tests of this folder."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, Question, Urgency
from app.help.routing import check_deadline
from app.people.models import Skill, SkillKind, User, normalize_key
from matching.models import Mentorship, MentorshipState


def skill(make, name: str, category: str = "") -> Skill:
    """The skill with this name, made on first use."""
    return db.session.scalar(sa.select(Skill).where(Skill.key == normalize_key(name))) or make.skill(
        name, category=category
    )


# Working around the clock, every day: routing tests that are not about working time must
# not depend on the hour or the weekday they run at.
ALWAYS = {"work_start": time(0), "work_end": time(0), "work_days": "0,1,2,3,4,5,6"}


def mentor(make, name: str, teaches: dict[str, int] | None = None, **fields) -> User:
    """A mentor who teaches the given skills (SQL at 4 by default), in Berlin, working at
    every hour of every day unless given other hours or days."""
    person = make.mentor(name=name, **{**ALWAYS, **fields})
    for skill_name, level in (teaches if teaches is not None else {"SQL": 4}).items():
        make.user_skill(person, skill(make, skill_name), SkillKind.TEACH, level)
    return person


def mentored_by(asker: User, own: User) -> None:
    """Adds the asker's active mentorship with their own mentor (not yet committed)."""
    db.session.add(
        Mentorship(
            new_hire_id=asker.id,
            mentor_id=own.id,
            state=MentorshipState.ACTIVE,
            expires_at=utcnow() + timedelta(days=3),
        )
    )


def ask(
    asker: User,
    skills=("SQL",),
    urgency: Urgency = Urgency.BLOCKING,
    waited: timedelta = timedelta(0),
    goal: str = "Run the billing migration",
    **fields,
) -> Question:
    """Save a question as asking would, without routing it."""
    question = Question(
        asker_id=asker.id,
        team_id=asker.team_id,
        goal=goal,
        stuck=fields.pop("stuck", "It fails with `relation does not exist`."),
        urgency=urgency,
        created_at=utcnow() - waited,
        skills=[db.session.scalar(sa.select(Skill).where(Skill.name == s)) for s in skills],
        **fields,
    )
    db.session.add(question)
    db.session.commit()
    return question


def attempts_of(question: Question) -> list[Attempt]:
    """The question's attempts as the database has them now, in order."""
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Attempt).where(Attempt.question_id == question.id).order_by(Attempt.number))
    )


def live_of(question: Question) -> Attempt | None:
    return next((a for a in attempts_of(question) if a.state == AttemptState.WAITING), None)


def overdue(attempt: Attempt) -> Attempt:
    """Move the attempt's deadline into the past."""
    db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id).values(deadline_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    return attempt


def time_out(question: Question) -> Attempt | None:
    """Let the live attempt's deadline pass and run its check; return the next live attempt."""
    assert check_deadline(overdue(live_of(question)).id)
    return live_of(question)


def mails_to(smtp, person: User) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == person.email]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


# Routing order
