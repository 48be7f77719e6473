"""People's own words, as others may read them: the lead on the dashboard, and the team on
the weekly session's agenda where the writer shared them.

Every read of feedback text for anyone but its writer goes through here, and nothing beside
a text narrows it to one person:
- no name, unless the writer signed it (chosen in the query itself, so an unsigned
  comment's author never leaves the database);
- no rating: one person's rating is shown only inside an aggregate of at least three;
- no moment, only the week it was written in; and words of one week are listed by kind and
  text, not in the order they came;
- the title of a task about a question shows only to those who may read the question: the
  team when the asker published it in the knowledge base, else its team's lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Question, QuestionState, Visibility
from app.people.models import User
from app.times import long_date, zone
from feedback.models import Checkin, TaskFeedback

TASK_MISSING, TASK_HELPED, CHECKIN_CHANGE, ANSWER_NOTE = "task_missing", "task_helped", "checkin_change", "answer_note"
KINDS = {
    TASK_MISSING: "What was missing",
    TASK_HELPED: "What helped",
    CHECKIN_CHANGE: "What to change in a mentorship",
    ANSWER_NOTE: "On an answer",
}
# The title of a task about a question that its reader may not read.
UNREADABLE_TITLE = "A task about a question of theirs"
PUBLISHED = (Visibility.NAMED, Visibility.ANONYMOUS)


@dataclass(frozen=True)
class Comment:
    """One piece of free text, with what it is about and the week it was written in."""

    kind: str  # one of KINDS
    week: date  # the Monday of the week it was written, in the reader's time zone
    text: str
    about: str = ""  # the task's title, for task feedback
    author: str | None = None  # the writer's name, only if they signed it

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def week_label(self) -> str:
        """The week as a reader says it: "Week of 5 October 2026"."""
        return f"Week of {long_date(self.week)}"


def week_of(moment: datetime, timezone: str) -> date:
    """The Monday of the week the moment falls in, in the time zone."""
    day = moment.astimezone(zone(timezone)).date()
    return day - timedelta(days=day.weekday())


def in_reading_order(comments: list[Comment]) -> list[Comment]:
    """Newest week first; within a week by kind and text, so the order says nothing of who
    wrote first."""
    kinds = list(KINDS)
    by_text = sorted(comments, key=lambda c: (kinds.index(c.kind), c.text.casefold(), c.text, c.about))
    return sorted(by_text, key=lambda c: c.week, reverse=True)


def comments_for_leads(team_id: int, start: datetime, end: datetime, timezone: str = "UTC") -> list[Comment]:
    """The team's free text written in the stretch, for its lead, named only where signed."""
    found = (
        task_comments(team_id, start, end, timezone)
        + checkin_comments(team_id, start, end, timezone)
        + answer_notes(team_id, start, end, timezone)
    )
    return in_reading_order(found)


def shared_task_comments(team_id: int, start: datetime, end: datetime, timezone: str = "UTC") -> list[Comment]:
    """What the team's people shared with the team from their task feedback in the stretch,
    for the weekly session's agenda: the title of a task about a question shows only when
    the asker published the question in the knowledge base."""
    return in_reading_order(task_comments(team_id, start, end, timezone, shared_only=True))


def task_comments(
    team_id: int, start: datetime, end: datetime, timezone: str = "UTC", *, shared_only: bool = False
) -> list[Comment]:
    """What helped and what was missing, from the team's task feedback (only what was shared
    with the team, if `shared_only`)."""
    signed_name = sa.case((TaskFeedback.signed.is_(True), User.name), else_=sa.null())
    published = sa.and_(Question.state == QuestionState.RESOLVED, Question.visibility.in_(PUBLISHED))
    # The team's lead may read the team's questions; everyone else only what the asker published.
    readable = published if shared_only else sa.or_(published, Question.team_id == team_id)
    title = sa.case(
        (TaskFeedback.question_id.is_(None), TaskFeedback.title),
        (readable, TaskFeedback.title),
        else_=sa.literal(UNREADABLE_TITLE),
    )
    query = (
        sa.select(TaskFeedback.created_at, title, TaskFeedback.missing, TaskFeedback.helped_note, signed_name)
        .join(User, User.id == TaskFeedback.author_id)
        .outerjoin(Question, Question.id == TaskFeedback.question_id)
        .where(
            TaskFeedback.team_id == team_id,
            TaskFeedback.created_at >= start,
            TaskFeedback.created_at < end,
            sa.or_(TaskFeedback.missing != "", TaskFeedback.helped_note != ""),
        )
    )
    if shared_only:
        query = query.where(TaskFeedback.shared.is_(True))
    comments = []
    for at, about, missing, helped, name in db.session.execute(query):
        week = week_of(at, timezone)
        if missing:
            comments.append(Comment(TASK_MISSING, week, missing, about, name))
        if helped:
            comments.append(Comment(TASK_HELPED, week, helped, about, name))
    return comments


def checkin_comments(team_id: int, start: datetime, end: datetime, timezone: str = "UTC") -> list[Comment]:
    """What people would change in their mentorships; never named."""
    rows = db.session.execute(
        sa.select(Checkin.answered_at, Checkin.change).where(
            Checkin.team_id == team_id, Checkin.answered_at >= start, Checkin.answered_at < end, Checkin.change != ""
        )
    )
    return [Comment(CHECKIN_CHANGE, week_of(at, timezone), text) for at, text in rows]


def answer_notes(team_id: int, start: datetime, end: datetime, timezone: str = "UTC") -> list[Comment]:
    """Askers' words on whether the answer helped, for questions resolved in the stretch; never named."""
    rows = db.session.execute(
        sa.select(Question.resolved_at, Question.helpful_note).where(
            Question.team_id == team_id,
            Question.resolved_at >= start,
            Question.resolved_at < end,
            Question.helpful_note != "",
        )
    )
    return [Comment(ANSWER_NOTE, week_of(at, timezone), text) for at, text in rows]
