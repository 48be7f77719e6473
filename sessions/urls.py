"""The series and the day a sessions page's URL names, loaded in one place for every
sessions page: a URL's `<int:series_id>` reaches the view as `row`, the series, and its
`<day>` as `day`, a session date of that series.

A series the signed-in person may not see is a 404, as if it did not exist; so is a day that
is not written year-month-day, or is not a session date of the series (each saying why).
Nothing is loaded for someone not signed in: the view's `login_required` answers them first.
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.times import long_date
from sessions import access, bp
from sessions.models import SessionSeries
from sessions.series.stored import as_series

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@bp.url_value_preprocessor
def load_series_and_day(endpoint: str | None, values: dict | None) -> None:
    """Turn a URL's series id into the series (`row`) and its day into a session date."""
    if not values or "series_id" not in values or not current_user.is_authenticated:
        return
    row = values["row"] = series_or_404(values.pop("series_id"))
    if "day" in values:
        values["day"] = session_day_or_404(row, values["day"])


def series_or_404(series_id: int) -> SessionSeries:
    """The series, for someone who may see it; 404 for anyone else."""
    row = db.session.get(SessionSeries, series_id)
    if row is None or not access.can_see(row, current_user):
        abort(404)
    return row


def session_day_or_404(row: SessionSeries, text: str) -> date:
    """The regular date a URL or form names; 404 for anything that is not a session date of
    the series."""
    try:
        day = date.fromisoformat(text) if ISO_DATE.match(text) else None
    except ValueError:
        day = None
    if day is None:
        abort(404, description=f"{text!r} is not a date (use year-month-day, such as 2026-12-01).")
    if not as_series(row).is_session_day(day):
        abort(404, description=f"{long_date(day)} is not a session date of this series.")
    return day
