"""The series and the day a sessions page's URL names, loaded one way for the series pages,
the retro and its summaries: a series the signed-in person may not see is a 404, as if it
did not exist, and so is a date that is not a session date of the series (saying why).

The week's page (`sessions.learnings.views`) loads the series here too, and reads its date
more strictly (year-month-day only, and a bare 404), as it always has."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.times import long_date
from sessions import access
from sessions.models import SessionSeries
from sessions.series.stored import as_series


def series_or_404(series_id: int) -> SessionSeries:
    """The series, for someone who may see it; 404 for anyone else."""
    row = db.session.get(SessionSeries, series_id)
    if row is None or not access.can_see(row, current_user):
        abort(404)
    return row


def session_day_or_404(row: SessionSeries, text: str) -> date:
    """The regular date a URL names; 404 for anything that is not a session date of the series."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404, description=f"{text!r} is not a date (use year-month-day, such as 2026-12-01).")
    if not as_series(row).is_session_day(day):
        abort(404, description=f"{long_date(day)} is not a session date of this series.")
    return day
