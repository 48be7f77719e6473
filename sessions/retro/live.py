"""The run page, live: its changing part as an HTML fragment that the page's script
(static/retro.js) asks for every second, and votes given one tap at a time.

    GET  .../run/state   the page's live part, with an ETag; 304 when nothing changed since
                         the ETag the script sends back (If-None-Match)
    POST .../run/vote    one tap on an item's + or − (item, delta): JSON for the script, or
                         a redirect back to the page without it

A poll writes nothing, except the first time someone invited opens a running session
(`services.note_presence`). Who may: as the run page (anyone else gets a 404).
"""

from __future__ import annotations

from datetime import date

from flask import flash, jsonify, make_response, redirect, render_template, request
from flask_login import current_user, login_required

from app.error_pages import wants_json
from sessions import bp
from sessions.models import SessionSeries
from sessions.retro import queries
from sessions.retro import rules as retro
from sessions.retro import services as running
from sessions.retro.forms import TapForm
from sessions.retro.rules import RetroRefused
from sessions.retro.views import _checked, _find_week, _refused, _run_url, _started_week, page_context


@bp.get("/<int:series_id>/weeks/<day>/run/state")
@login_required
def run_state(row: SessionSeries, day: date):
    """The run page's live part: the phase, its timebox, the items, their groups and the
    votes, as the person sees them now."""
    week = _find_week(row, day)
    if week is not None:
        running.note_presence(week, current_user.id)
    version = queries.live_version(week)
    if request.if_none_match.contains(version):
        response = make_response("", 304)
    else:
        response = make_response(render_template("sessions/_run_live.html", **page_context(row, day)))
    response.set_etag(version)
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@bp.post("/<int:series_id>/weeks/<day>/run/vote")
@login_required
def run_vote(row: SessionSeries, day: date):
    """One vote more or less on an item, saved at once."""
    form = TapForm()
    _checked(form)
    anchor = f"item-{form.item.data}"
    try:
        mine = running.tap_vote(_started_week(row, day).id, current_user.id, form.item.data, form.delta.data)
    except RetroRefused as exc:
        return _refused(exc, row, day, anchor)
    left = retro.remaining(mine)
    if wants_json():
        return jsonify(votes={str(k): v for k, v in mine.items()}, left=left)
    flash(f"Your vote is saved: {left} of {retro.VOTE_BUDGET} left.", "success")
    return redirect(_run_url(row, day, anchor))
