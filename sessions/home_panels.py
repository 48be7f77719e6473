"""The weekly sessions' panels on the home page: a person's next session (and, for a new
hire or a mentor, whether they added a learning for it); for a lead, this week's session
and how many learnings it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db, utcnow
from app.people import home
from app.people.models import Role, Team, User
from app.times import time_with_zone
from sessions import access
from sessions.models import Learning, SeriesMember, SessionSeries, SessionWeek
from sessions.series.schedule import Occurrence
from sessions.series.services import next_session
from sessions.series.stored import as_series


@dataclass(frozen=True)
class NextSession:
    row: SessionSeries
    occurrence: Occurrence
    starts: str  # in the person's time zone
    learnings: int  # everyone's, for that week
    mine: int  # the person's own


def next_session_of(user: User) -> NextSession | None:
    """The earliest coming session of the series the person is invited to or leads."""
    rows = db.session.scalars(
        access.visible_series(user)
        .where(SessionSeries.cancelled_at.is_(None))
        .options(
            selectinload(SessionSeries.weeks),
            selectinload(SessionSeries.members).joinedload(SeriesMember.user),
            joinedload(SessionSeries.team).joinedload(Team.lead),
        )
    ).all()
    now = utcnow()
    coming = [(o, row) for row in rows if (o := next_session(as_series(row), now)) is not None]
    if not coming:
        return None
    occurrence, row = min(coming, key=lambda pair: (pair[0].start_utc, pair[1].id))
    total, mine = _learning_counts(row.id, occurrence.day, user.id)
    return NextSession(row, occurrence, time_with_zone(occurrence.start_utc, user.timezone), total, mine)


def _learning_counts(series_id: int, day: date, user_id: int) -> tuple[int, int]:
    counts = db.session.execute(
        sa.select(sa.func.count(Learning.id), sa.func.count(Learning.id).filter(Learning.author_id == user_id))
        .join(SessionWeek, SessionWeek.id == Learning.week_id)
        .where(SessionWeek.series_id == series_id, SessionWeek.day == day)
    ).one()
    return counts[0], counts[1]


def _show(user: User, for_lead: bool) -> home.Shown:
    return home.Shown("sessions/home_next_session.html", {"coming": next_session_of(user), "for_lead": for_lead})


def show_next_session(user: User) -> home.Shown:
    return _show(user, for_lead=False)


def show_this_week(user: User) -> home.Shown:
    return _show(user, for_lead=True)


def register(app: Flask) -> None:
    home.register(app, Role.NEW_HIRE, "next session", 30, show_next_session)
    home.register(app, Role.MENTOR, "next session", 30, show_next_session)
    home.register(app, Role.LEAD, "this week's session", 20, show_this_week)
