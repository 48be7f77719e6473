"""The sessions' beat: people joining or leaving a team get the invite or the cancellation,
members are asked for learnings before each session, and a summary whose job was lost still
goes out."""

import sqlalchemy as sa

from app.extensions import db, utcnow
from sessions.invites import update_calendars
from sessions.learnings import send_due_prompts
from sessions.models import SessionSeries
from sessions.running import send_due_summaries


def upkeep() -> None:
    """Bring every live series' calendars in line with its team, ask for learnings before
    sessions that are due, and send the summaries of closed sessions not sent yet. Safe to
    run twice."""
    live = db.session.scalars(sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None))).all()
    for series_id in live:
        update_calendars(series_id)
    send_due_prompts(utcnow())
    send_due_summaries()
