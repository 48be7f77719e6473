"""The summary pages: the history of a series' closed sessions, newest first, with their action
items, and each closed session's summary as it was mailed. Anyone who may see the series sees
them; anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from sessions import bp
from sessions.access import can_manage
from sessions.learnings.services import find_week
from sessions.retro.queries import open_actions
from sessions.summaries import services as summaries
from sessions.urls import series_or_404, session_day_or_404


@bp.get("/<int:series_id>/history")
@login_required
def history(series_id: int):
    """Every closed session of the series, newest first, with its summary and action items."""
    row = series_or_404(series_id)
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
def summary_page(series_id: int, day: str):
    """The summary of a closed session, as it was mailed to the people who were there."""
    row = series_or_404(series_id)
    week = find_week(row.id, session_day_or_404(row, day))
    if week is None or week.closed_at is None:
        abort(404, description="That session is not closed, so it has no summary yet.")
    return render_template("sessions/summary.html", series=row, week=week, summary=summaries.summary_of(week.id))
