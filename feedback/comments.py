"""People's own words, as a team lead may read them: without names, unless the writer
chose to sign.

Every read of feedback text for leads goes through here. The name is chosen in the query
itself (NULL unless signed), so an unsigned comment's author never leaves the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Question
from app.people.models import User
from feedback.models import Checkin, TaskFeedback

TASK_MISSING, TASK_HELPED, CHECKIN_CHANGE, ANSWER_NOTE = "task_missing", "task_helped", "checkin_change", "answer_note"
KINDS = {TASK_MISSING: "What was missing", TASK_HELPED: "What helped",
         CHECKIN_CHANGE: "What to change in a mentorship", ANSWER_NOTE: "On an answer"}


@dataclass(frozen=True)
class Comment:
    """One piece of free text, with what it is about and its rating if it has one."""

    kind: str  # one of KINDS
    at: datetime
    text: str
    about: str = ""  # the task's title, for task feedback
    rating: int | None = None  # the task's rating or the check-in's score
    author: str | None = None  # the writer's name, only if they signed it

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def comments_for_leads(team_id: int, start: datetime, end: datetime) -> list[Comment]:
    """The team's free text written in the stretch, newest first, named only where signed."""
    found = task_comments(team_id, start, end) + checkin_comments(team_id, start, end) \
        + answer_notes(team_id, start, end)
    return sorted(found, key=lambda c: c.at, reverse=True)


def task_comments(team_id: int, start: datetime, end: datetime) -> list[Comment]:
    """What helped and what was missing, from the team's task feedback."""
    signed_name = sa.case((TaskFeedback.signed.is_(True), User.name), else_=sa.null())
    rows = db.session.execute(
        sa.select(TaskFeedback.created_at, TaskFeedback.title, TaskFeedback.rating,
                  TaskFeedback.missing, TaskFeedback.helped_note, signed_name)
        .join(User, User.id == TaskFeedback.author_id)
        .where(TaskFeedback.team_id == team_id, TaskFeedback.created_at >= start,
               TaskFeedback.created_at < end,
               sa.or_(TaskFeedback.missing != "", TaskFeedback.helped_note != "")))
    comments = []
    for at, title, rating, missing, helped, name in rows:
        if missing:
            comments.append(Comment(TASK_MISSING, at, missing, title, rating, name))
        if helped:
            comments.append(Comment(TASK_HELPED, at, helped, title, rating, name))
    return comments


def checkin_comments(team_id: int, start: datetime, end: datetime) -> list[Comment]:
    """What people would change in their mentorships; never named."""
    rows = db.session.execute(sa.select(Checkin.answered_at, Checkin.change, Checkin.score).where(
        Checkin.team_id == team_id, Checkin.answered_at >= start, Checkin.answered_at < end,
        Checkin.change != ""))
    return [Comment(CHECKIN_CHANGE, at, text, rating=score) for at, text, score in rows]


def answer_notes(team_id: int, start: datetime, end: datetime) -> list[Comment]:
    """Askers' words on whether the answer helped, for questions resolved in the stretch; never named."""
    rows = db.session.execute(sa.select(Question.resolved_at, Question.helpful_note).where(
        Question.team_id == team_id, Question.resolved_at >= start, Question.resolved_at < end,
        Question.helpful_note != ""))
    return [Comment(ANSWER_NOTE, at, text) for at, text in rows]
