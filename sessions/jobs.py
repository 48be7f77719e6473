"""The sessions' beat: people joining or leaving a team get the invite or the cancellation,
and members are asked for learnings before each session."""

import sqlalchemy as sa

from app.extensions import db
from sessions.invites import update_calendars
from sessions.models import SessionSeries


def upkeep() -> None:
    """Bring every live series' calendars in line with its team. Safe to run twice."""
    live = db.session.scalars(sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None))).all()
    for series_id in live:
        update_calendars(series_id)
