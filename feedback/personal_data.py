"""Feedback, as a section of a person's data: the task feedback they gave, their check-in
answers, the mentorship flags they cleared, and clarity ratings: those they gave as a
mentor, and that their questions were rated (without the score or who gave it: an asker
sees clarity only as an average of several ratings, so that none can be told apart), with
that average as they last saw it.

Erasing keeps every rating and score, as the figures count them; with texts removed, what
they wrote (task titles, links and words, what to change in a mentorship) is removed.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.personal_data import REMOVED, register_personal_data, row_data, rows
from feedback.models import Checkin, ClarityAsShown, ClarityRating, MentorshipFlag, TaskFeedback

COVERS = {
    "task_feedback.author_id",
    "mentorship_checkins.user_id",
    "mentorship_flags.cleared_by_id",
    "question_clarity_ratings.mentor_id",
    "question_clarity_ratings.asker_id",
    "clarity_as_shown.asker_id",
}


def export_feedback(user_id: int) -> dict[str, list[dict]]:
    tasks = db.session.scalars(
        sa.select(TaskFeedback).where(TaskFeedback.author_id == user_id).order_by(TaskFeedback.id)
    )
    return {
        "task_feedback": [{**row_data(t, omit={"request_key"}), "skills": [s.name for s in t.skills]} for t in tasks],
        "mentorship_checkins": rows(Checkin, Checkin.user_id == user_id),
        "mentorship_flags": rows(MentorshipFlag, MentorshipFlag.cleared_by_id == user_id),
        "question_clarity_ratings": (
            rows(ClarityRating, ClarityRating.mentor_id == user_id)
            + rows(
                ClarityRating,
                ClarityRating.asker_id == user_id,
                ClarityRating.mentor_id != user_id,
                omit={"mentor_id", "score"},
            )
        ),
        "clarity_as_shown": rows(ClarityAsShown, ClarityAsShown.asker_id == user_id, omit={"through_rating_id"}),
    }


def erase_feedback(user_id: int, remove_texts: bool) -> None:
    if not remove_texts:
        return
    db.session.execute(
        sa.update(TaskFeedback)
        .where(TaskFeedback.author_id == user_id)
        .values(title=REMOVED, link="", helped_note="", missing="")
    )
    db.session.execute(sa.update(Checkin).where(Checkin.user_id == user_id).values(change=""))


def register(app) -> None:
    register_personal_data(app, "feedback", covers=COVERS, export=export_feedback, erase=erase_feedback)
