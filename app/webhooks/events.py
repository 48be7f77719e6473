"""The payload of each event, in one place, so every feature sends the same small, stable
shape: ids, moments (UTC, ISO 8601) and a link to the thing, never what people wrote (a
question's text is for its asker, its mentors, the lead and admins; a receiver that may read
it asks the API with a token of its own).

A feature calls one of these where the thing happens, inside its transaction:

    events.question("question.asked", question)
"""

from __future__ import annotations

import enum
from datetime import datetime

from app.extensions import utcnow
from app.urls import external_url
from app.webhooks import core
from app.webhooks.outbox import publish


def _plain(value):
    if isinstance(value, datetime):
        return core.iso(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _data(**fields) -> dict:
    return {name: _plain(value) for name, value in fields.items()}


def question(event_type: str, question, **extra) -> int:
    """question.asked, .routed, .taken, .answered, .resolved: the question's ids, its urgency,
    the moment, a link to its thread, and what the event adds (the mentor, the answer's post)."""
    data = _data(
        question_id=question.id,
        asker_id=question.asker_id,
        team_id=question.team_id,
        urgency=question.urgency,
        url=external_url("help.thread", question_id=question.id),
        at=utcnow(),
        **extra,
    )
    return publish(event_type, f"question:{question.id}", data)


def mentorship(event_type: str, mentorship) -> int:
    """mentorship.proposed, .accepted, .declined, .ended: the pair's ids, its state and the moment."""
    data = _data(
        mentorship_id=mentorship.id,
        new_hire_id=mentorship.new_hire_id,
        mentor_id=mentorship.mentor_id,
        state=mentorship.state,
        at=utcnow(),
    )
    return publish(event_type, f"mentorship:{mentorship.id}", data)


def session(event_type: str, series_id: int, team_id: int | None, day=None) -> int:
    """session.scheduled (a weekly series set up or moved) and session.summary_sent (a day's summary)."""
    data = _data(series_id=series_id, team_id=team_id, day=day.isoformat() if day else None, at=utcnow())
    return publish(event_type, f"series:{series_id}", data)


def flag_raised(mentorship_id: int, side: str) -> int:
    """feedback.flag_raised: a mentorship was flagged for the admins after low check-ins on
    one side ("new_hire" or "mentor"); the scores are not sent."""
    data = _data(mentorship_id=mentorship_id, side=side, at=utcnow())
    return publish("feedback.flag_raised", f"mentorship:{mentorship_id}", data)


def person(event_type: str, person_id: int, team_id: int | None = None) -> int:
    """person.joined (first sign-in, or an invitation accepted) and person.deactivated (left)."""
    data = _data(person_id=person_id, team_id=team_id, at=utcnow())
    return publish(event_type, f"person:{person_id}", data)
