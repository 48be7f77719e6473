"""Rows the feedback tests' hand-made worlds add again and again: a piece of task feedback
and a mentorship."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.extensions import db
from app.people.models import User
from feedback.models import TaskFeedback, TimeTaken
from matching.models import Mentorship, MentorshipState


def add_task(author: User, when: datetime, rating: int, *, title: str, time_taken: TimeTaken, **fields) -> None:
    """The author's feedback on a task, for their own team."""
    db.session.add(
        TaskFeedback(
            author_id=author.id,
            team_id=author.team_id,
            title=title,
            rating=rating,
            time_taken=time_taken,
            created_at=when,
            **fields,
        )
    )


def add_mentorship(hire: User, mentor: User, state: MentorshipState, proposed: datetime, **fields) -> Mentorship:
    """A mentorship proposed at `proposed`, with the three days' expiry every proposal has."""
    m = Mentorship(
        new_hire_id=hire.id,
        mentor_id=mentor.id,
        state=state,
        proposed_at=proposed,
        expires_at=proposed + timedelta(days=3),
        **fields,
    )
    db.session.add(m)
    db.session.flush()
    return m
