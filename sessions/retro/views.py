"""The retro pages: the lead runs the week's session on a shared screen, one phase at a time;
invitees follow on their own devices and vote there; the history of closed sessions and
each one's summary.

Who may: the team's lead and admins drive the session (start, phases, grouping, action
items, close); people invited see it and vote, and a 403 answers what only the lead does;
anyone else gets a 404, as if it did not exist. Every change is a POST with a CSRF token,
committed here, then a redirect back to the page (or the page again, with the message,
when a form's input was wrong); the page's script, asking for JSON, gets `{"done": true}`
or the refusal as a JSON error. The live part and votes by tap are `sessions.retro.live`.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.error_pages import wants_json
from app.extensions import db, utcnow
from app.forms import show_errors
from app.times import day_name, time_with_zone
from sessions import bp
from sessions.access import can_manage
from sessions.learnings.services import load_agenda
from sessions.models import ActionItem, SessionSeries, SessionWeek
from sessions.retro import phases, queries
from sessions.retro import rules as retro
from sessions.retro import services as running
from sessions.retro.forms import ActionItemForm, CloseForm, DoneForm, GroupForm, PhaseForm, StartForm
from sessions.retro.rules import RetroRefused
from sessions.series.stored import SeriesInvalid, week_row
from sessions.urls import series_or_404, session_day_or_404

VOTE_FIELD = "votes-"  # the vote form's fields: votes-<item id>
DUE_IN = timedelta(days=7)  # an action item's due date starts a week out


# -- loading and checking ----------------------------------------------------------------------


def _lead_only(row: SessionSeries) -> None:
    if not can_manage(row.team_id, current_user):
        abort(403, description="Only the team's lead or an admin runs the session.")


def _find_week(row: SessionSeries, day: date) -> SessionWeek | None:
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.series_id == row.id, SessionWeek.day == day))


def _started_week(row: SessionSeries, day: date) -> SessionWeek:
    """The week's row; RetroRefused when nothing has happened to the week yet."""
    week = _find_week(row, day)
    if week is None:
        raise RetroRefused("The session has not started yet.")
    return week


def _run_url(row: SessionSeries, day: date, anchor: str = "") -> str:
    return url_for("sessions.run_page", series_id=row.id, day=day.isoformat()) + (f"#{anchor}" if anchor else "")


def _checked(form: FlaskForm) -> None:
    """Refuse a form that cannot be read (an expired page, a tampered field) with a 400."""
    if not form.validate_on_submit():
        abort(400, description="The form could not be read; reload the page and try again.")


def _refused(exc: RetroRefused, row: SessionSeries, day: date, anchor: str = ""):
    if wants_json():  # the page's script: a JSON error, and the request's transaction rolls back
        raise exc
    db.session.rollback()
    flash(exc.message, "error")
    return redirect(_run_url(row, day, anchor))


def _link(endpoint: str, **values) -> str | None:
    """The URL of a sessions page, when that page is part of this installation."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


# -- the run page ------------------------------------------------------------------------------


@bp.get("/<int:series_id>/weeks/<day>/run")
@login_required
def run_page(row: SessionSeries, day: date):
    """The session as it runs: the lead drives it here; invitees follow, and vote. Opening it
    while the session runs records the person as there (once)."""
    week = _find_week(row, day)
    if week is not None:
        running.note_presence(week, current_user.id)
    return _run_page(row, day)


def _run_page(
    row: SessionSeries,
    day: date,
    status: int = 200,
    action_form: ActionItemForm | None = None,
    vote_problem: str | None = None,
    wanted: dict[int, str] | None = None,
):
    return render_template("sessions/run.html", **page_context(row, day, action_form, vote_problem, wanted)), status


def page_context(
    row: SessionSeries,
    day: date,
    action_form: ActionItemForm | None = None,
    vote_problem: str | None = None,
    wanted: dict[int, str] | None = None,
) -> dict:
    """What the run page, and its live part (`live.run_state`), show the person now."""
    week = _find_week(row, day)
    phase = week.phase.value if week is not None and week.phase is not None else None
    lead = can_manage(row.team_id, current_user)
    invited = current_user.id in queries.invitee_ids(row.id)
    page = dict(
        series=row,
        day=day,
        week=week,
        phase=phase,
        lead=lead,
        invited=invited,
        steps=phases.stepper(phase),
        total_minutes=sum(phases.TIMEBOX_MINUTES.values()),
        title=phases.phase_title,
        week_url=_link("sessions.week_page", series_id=row.id, day=day.isoformat()),
        started=time_with_zone(week.started_at, current_user.timezone)
        if week is not None and week.started_at
        else None,
        version=queries.live_version(week),
        state_url=url_for("sessions.run_state", series_id=row.id, day=day.isoformat()),
    )
    if phase is None:
        planned = queries.session_date(week) if week is not None else day
        early = queries.today_for(row) < planned
        page.update(
            start_form=StartForm(formdata=None, data={"early": planned.isoformat() if early else ""}),
            count=queries.learnings_count(week.id) if week else 0,
            early_day=day_name(planned) if early else None,
        )
    else:
        page.update(_phase_parts(row, week, phase, lead, invited))
    if phase not in (None, "closed"):
        page.update(next=phases.next_phase(phase), previous=None if phase == "review" else phases.previous_phase(phase))
        since = week.phase_started_at or week.started_at or utcnow()
        page.update(timebox=phases.timebox(phase, (utcnow() - since).total_seconds()))
    page.update(vote_problem=vote_problem, wanted=wanted or {})
    if phase == "discuss":
        page.update(action_form=action_form or _action_form(row, week, page["top"]))
    return page


def _phase_parts(row: SessionSeries, week: SessionWeek, phase: str, lead: bool, invited: bool) -> dict:
    """What the page shows in the session's current phase."""
    items = queries.items_of(week.id, names_shown=row.names_shown)
    parts: dict = {}
    if phase in ("review", "read"):
        agenda = load_agenda(week.id, current_user.id)
        owners = dict(
            db.session.execute(
                sa.select(ActionItem.id, ActionItem.owner_id).where(ActionItem.id.in_([a.id for a in agenda.actions]))
            ).all()
        )
        parts.update(
            agenda=agenda, may_mark={a.id for a in agenda.actions if lead or owners.get(a.id) == current_user.id}
        )
    if phase in ("group", "vote"):
        parts.update(groups=retro.groups_of(items))
    if phase == "vote":
        mine = {b.item_id: b.count for b in queries.votes_of(week.id, current_user.id)}
        parts.update(
            mine=mine,
            left=retro.remaining(mine),
            voters=queries.voters_count(week.id),
            given=sum(b.count for b in queries.votes_of(week.id)),
            invitees_count=len(queries.invitee_ids(row.id)),
            budget=retro.VOTE_BUDGET,
            most=retro.MAX_VOTES_PER_ITEM,
        )
    if phase == "discuss":
        ballots = queries.votes_of(week.id)
        actions = [queries.as_action(a) for a in queries.actions_raised(week.id)]
        parts.update(top=retro.top_items(items, ballots), actions=actions)
        if lead:
            people = queries.invitees(row.id)
            form = CloseForm(formdata=None, data={"attended": sorted(queries.present_ids(week.id))})
            form.attended.choices = [(p.id, p.name) for p in people]
            parts.update(close_form=form)
    if phase == "closed":
        parts.update(
            attended=len(queries.attendees_of(week.id)),
            summary_url=url_for("sessions.summary_page", series_id=row.id, day=week.day.isoformat()),
        )
    return parts


def _action_form(
    row: SessionSeries, week: SessionWeek, top: list[retro.Group], submitted: bool = False
) -> ActionItemForm:
    """The form for a new action item (as sent, or with its defaults: about the top item,
    due in a week), its choices the items and the people invited."""
    if submitted:
        form = ActionItemForm()
    else:
        form = ActionItemForm(
            formdata=None, data={"item": top[0].head.id if top else None, "due": queries.today_for(row) + DUE_IN}
        )
    others = [g for g in retro.groups_of(queries.items_of(week.id)) if g.head.id not in {t.head.id for t in top}]
    form.item.choices = (
        [("", "Nothing in particular")]
        + [(g.head.id, retro.quote(g.head.text)) for g in top]
        + [(g.head.id, retro.quote(g.head.text)) for g in others]
    )
    form.owner.choices = [("", "Choose who owns it")] + [(p.id, p.name) for p in queries.invitees(row.id)]
    return form


# -- driving the session -----------------------------------------------------------------------


@bp.post("/<int:series_id>/weeks/<day>/run/start")
@login_required
def run_start(row: SessionSeries, day: date):
    """Start the week's session: its learnings show to everyone from now on. Before its day
    it starts only when the lead said so on the page (the form's `early` is that day)."""
    _lead_only(row)
    form = StartForm()
    _checked(form)
    try:
        week = week_row(row, day)
        started = running.start(week.id, anyway=form.early.data == queries.session_date(week).isoformat())
    except SeriesInvalid:
        abort(404)
    except RetroRefused as exc:
        return _refused(exc, row, day)
    flash(
        "The session has started: everyone now sees the learnings." if started else "The session had already started.",
        "success" if started else "info",
    )
    return redirect(_run_url(row, day))


def _drive(row: SessionSeries, day: date, form: FlaskForm, change, anchor: str = "", done: str | None = None):
    """Make one of the lead's changes to the week's session (`change(week_id)`), then go back
    to the run page; a refused change is said there, and saves nothing."""
    _lead_only(row)
    _checked(form)
    try:
        change(_started_week(row, day).id)
    except RetroRefused as exc:
        return _refused(exc, row, day, anchor)
    if wants_json():  # the page's script (grouping by dragging): it fetches the new state itself
        return jsonify(done=True)
    if done:
        flash(done, "success")
    return redirect(_run_url(row, day, anchor))


@bp.post("/<int:series_id>/weeks/<day>/run/phase")
@login_required
def run_phase(row: SessionSeries, day: date):
    """Go to the next phase, or back one."""
    form = PhaseForm()
    return _drive(
        row, day, form, lambda week_id: running.change_phase(week_id, form.seen.data or "", form.to.data or "")
    )


@bp.post("/<int:series_id>/weeks/<day>/run/group")
@login_required
def run_group(row: SessionSeries, day: date):
    """Put an item under another's group."""
    form = GroupForm()

    def group(week_id: int) -> None:
        if form.into.data is None:
            raise RetroRefused("Choose the item to group it under.")
        running.group_items(week_id, form.item.data, form.into.data)

    return _drive(row, day, form, group, f"item-{form.item.data}")


@bp.post("/<int:series_id>/weeks/<day>/run/ungroup")
@login_required
def run_ungroup(row: SessionSeries, day: date):
    """Take an item out of its group."""
    form = GroupForm()
    return _drive(
        row, day, form, lambda week_id: running.ungroup_item(week_id, form.item.data), f"item-{form.item.data}"
    )


@bp.post("/<int:series_id>/weeks/<day>/run/votes")
@login_required
def run_votes(row: SessionSeries, day: date):
    """Save the person's votes: all of them at once, replacing what they gave before."""
    _checked(FlaskForm())
    typed = {key[len(VOTE_FIELD) :]: value for key, value in request.form.items() if key.startswith(VOTE_FIELD)}
    try:
        wanted = retro.read_votes(typed)
        running.cast_votes(_started_week(row, day).id, current_user.id, wanted)
    except RetroRefused as exc:
        return _run_page(row, day, 400, vote_problem=exc.message, wanted=typed)
    given = sum(wanted.values())
    flash(f"Your votes are saved: {given} of {retro.VOTE_BUDGET} given.", "success")
    return redirect(_run_url(row, day, "retro-vote"))


@bp.post("/<int:series_id>/weeks/<day>/run/actions")
@login_required
def run_action(row: SessionSeries, day: date):
    """Record an action item with its owner and due date."""
    _lead_only(row)
    week = _find_week(row, day)
    if week is None or week.phase is None:
        return _refused(RetroRefused("The session has not started yet."), row, day)
    top = retro.top_items(queries.items_of(week.id), queries.votes_of(week.id))
    form = _action_form(row, week, top, submitted=True)
    if form.validate_on_submit():
        try:
            running.add_action(
                week.id,
                current_user.id,
                form.text.data or "",
                form.owner.data,
                form.due.data,
                form.item.data,
                form.request_key.data,
            )
        except RetroRefused as exc:
            if not exc.fields:  # the session itself refuses (closed): said at the top of the page
                return _refused(exc, row, day)
            show_errors(form, exc)
        else:
            flash("Action item added.", "success")
            return redirect(_run_url(row, day, "retro-actions"))
    return _run_page(row, day, 400, action_form=form)


@bp.post("/<int:series_id>/weeks/<day>/run/close")
@login_required
def run_close(row: SessionSeries, day: date):
    """Record who was there, close the session and send them the summary."""
    form = CloseForm()
    form.attended.choices = [(p.id, p.name) for p in queries.invitees(row.id)]
    return _drive(
        row,
        day,
        form,
        lambda week_id: running.close(week_id, form.attended.data or []),
        "retro-close",
        done="The session is closed. The summary is on its way to the people who were there.",
    )


# -- action items done -------------------------------------------------------------------------


@bp.post("/actions/<int:action_id>/done")
@login_required
def action_done(action_id: int):
    """Mark an action item done: at a session's review (the lead), or from the history (the
    lead, or the person who owns it)."""
    action = db.session.get(ActionItem, action_id)
    if action is None:
        abort(404)
    row = series_or_404(action.series_id)
    if not (can_manage(row.team_id, current_user) or action.owner_id == current_user.id):
        abort(403, description="Only the team's lead, an admin or its owner marks an action item done.")
    form = DoneForm()
    _checked(form)
    week_id, back = None, url_for("sessions.history", series_id=row.id)
    try:
        if form.week.data:
            day = session_day_or_404(row, form.week.data)
            back = _run_url(row, day, "retro-review")
            week_id = _started_week(row, day).id
        done = running.mark_done(action.id, week_id)
    except RetroRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    flash(f"Done: {retro.quote(action.text)}." if done else "That action item was done already.", "success")
    return redirect(back)
