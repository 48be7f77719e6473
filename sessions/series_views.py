"""The series pages: a team's weekly series, set up and changed by its lead."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from app.extensions import db
from sessions import bp
from sessions.models import SessionSeries
from sessions.series import can_manage, can_see


@bp.get("/<int:series_id>")
@login_required
def series_page(series_id: int):
    series = db.session.get(SessionSeries, series_id)
    if series is None or not can_see(series, current_user):
        abort(404)
    return render_template("sessions/series.html", series=series,
                           manage=can_manage(series.team_id, current_user))
