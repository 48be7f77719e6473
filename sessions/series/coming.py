"""What the sessions' beat does before each coming session, once a week: the learnings
prompt (a day before) and the reminder (minutes before) both walk the same way.

    tell_coming_weeks(now, window, "prompted_at", prompt_week)

For each live series, its row locked, every session starting within `window(row)` whose
week has not been told yet (`mark` is empty) and is neither skipped, started nor closed is
handed to `tell_week(row, week, session)`, and the week is marked told; each series is
committed on its own, so a beat that runs twice, or two at once, tell a week once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.people.models import User
from sessions.models import SessionSeries, SessionWeek
from sessions.series.schedule import Occurrence, email_problem, occurrences
from sessions.series.stored import as_series, find_week_row, week_row

TellWeek = Callable[[SessionSeries, SessionWeek, Occurrence], int]


def tell_coming_weeks(
    now: datetime, window: Callable[[SessionSeries], timedelta], mark: str, tell_week: TellWeek
) -> int:
    """Tell every coming week not told yet; return how many people were told."""
    told = 0
    live = db.session.scalars(
        sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None)).order_by(SessionSeries.id)
    ).all()
    for series_id in live:
        row = db.session.scalar(sa.select(SessionSeries).where(SessionSeries.id == series_id).with_for_update())
        if row is None or row.cancelled_at is not None:
            db.session.rollback()
            continue
        for session in occurrences(as_series(row), now, now + window(row)):
            week = find_week_row(row, session.day)
            if week is not None and (getattr(week, mark) or week.skipped or week.started_at or week.closed_at):
                continue
            week = week_row(row, session.day)
            told += tell_week(row, week, session)
            setattr(week, mark, now)
        db.session.commit()
    return told


def invitees(row: SessionSeries) -> Iterator[User]:
    """The members still invited and active, whose address mail can reach, by id."""
    for member in sorted(row.members, key=lambda m: m.user_id):
        person = member.user
        if member.left_at is None and person.active and not email_problem(person.email):
            yield person
