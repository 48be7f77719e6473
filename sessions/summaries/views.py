"""The summary pages: the history of a series' closed sessions, newest first, with their action
items, and each closed session's summary as it was mailed. Anyone who may see the series sees
them; anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template
from flask_login import current_user, login_required

from sessions import bp
from sessions.access import can_manage
from sessions.learnings.services import find_week
from sessions.models import SessionSeries
from sessions.retro.queries import open_actions
from sessions.summaries import services as summaries


@bp.get("/<int:series_id>/history")
@login_required
def history(row: SessionSeries):
    """Every closed session of the series, newest first, with its summary and action items."""
    weeks, raised, counts = summaries.history_of(row.id)
    return render_template(
        "sessions/history.html",
        series=row,
        weeks=weeks,
        raised=raised,
        counts=counts,
        open_actions=open_actions(row.id),
        lead=can_manage(row.team_id, current_user),
        you=current_user.id,
    )


@bp.get("/<int:series_id>/weeks/<day>/summary")
@login_required
def summary_page(row: SessionSeries, day: date):
    """The summary of a closed session, as it was mailed to the people who were there."""
    week = find_week(row.id, day)
    if week is None or week.closed_at is None:
        abort(404, description="That session is not closed, so it has no summary yet.")
    return render_template("sessions/summary.html", series=row, week=week, summary=summaries.summary_of(week.id))
