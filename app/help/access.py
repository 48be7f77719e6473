"""Who may see a question: the asker, the mentors it was routed to, the team's lead, admins."""

import sqlalchemy as sa
from sqlalchemy import orm

from app.extensions import db
from app.help.models import Attempt, Question
from app.people.models import Role, Team, User

# Loader options for reading a person who asks or answers: their skills and roles load only
# if read (a question's own checks read the roles of few of them).
PERSON_ALONE = (orm.lazyload(User.role_rows), orm.lazyload(User.skills))


def can_see(question: Question, user: User) -> bool:
    """Tell whether the person may read this question and its thread."""
    if user.id == question.asker_id or user.has_role(Role.ADMIN):
        return True
    if question.team_id is not None:
        lead_id = db.session.scalar(sa.select(Team.lead_id).where(Team.id == question.team_id))
        if lead_id == user.id:
            return True
    return (
        db.session.scalar(
            sa.select(sa.exists().where(Attempt.question_id == question.id, Attempt.mentor_id == user.id))
        )
        or False
    )


def visible_to(user_id) -> sa.ColumnElement[bool]:
    """The condition on questions a person who is not an admin may read: they asked it, lead
    its team, or it was routed to them. `user_id` is an id or a bound parameter."""
    led = sa.select(Team.id).where(Team.lead_id == user_id)
    routed = sa.select(Attempt.question_id).where(Attempt.mentor_id == user_id)
    return sa.or_(Question.asker_id == user_id, Question.team_id.in_(led), Question.id.in_(routed))


def visible_questions(user: User) -> sa.Select:
    """A query for every question the person may read (for lists and searches)."""
    query = sa.select(Question)
    if user.has_role(Role.ADMIN):
        return query
    return query.where(visible_to(user.id))
