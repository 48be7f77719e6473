"""The series pages: the list of a person's series, setting one up, changing it, and the
series' own page, where a lead sees who answered and members see the slot, the coming weeks
and their own answer; and what the change buttons (`sessions.series.change_views`) share.

Who may: anyone invited, the team's lead and admins see a series (anyone else gets a 404,
as if it did not exist); only the lead and admins change it (a member gets a 403). Every
change is a POST with a CSRF token, committed here;
`sessions.series.invitations.update_calendars` then brings everyone's calendar up to date.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db, utcnow
from app.people.models import Role, Team
from app.times import describe_when
from app.times import zone as person_zone
from app.timezones import zone_choices
from sessions import access, bp
from sessions.models import SeriesMember, SessionSeries, WeekAnswer
from sessions.series import services
from sessions.series.forms import ActionForm, CancelForm, GuestForm, NamesForm, SeriesForm
from sessions.series.invitations import describe_slot

WEEKS_SHOWN = 8
ANSWERS = {
    "ACCEPTED": "Accepted",
    "DECLINED": "Declined",
    "TENTATIVE": "Tentative",
    "NEEDS-ACTION": "No answer yet",
    "DELEGATED": "Delegated",
}


# -- what the pages show (plain values) ------------------------------------------------------


def span(start: datetime, end: datetime, shown_in=None) -> str:
    """A session's time as people read it: Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin)."""
    return describe_when(start, end, (shown_in or start.tzinfo).key)


def tally(day: date, invitees: list[SeriesMember], answers: dict[tuple[date, int], str]) -> list[tuple[str, int]]:
    """How the invitees answered for one week: their answer for that week, else for the series."""
    counts = Counter(answers.get((day, m.user_id), m.partstat) for m in invitees)
    return [(ANSWERS[partstat], counts[partstat]) for partstat in ANSWERS if counts[partstat]]


def zone_names(current: str | None = None) -> list[str]:
    """The time zones to suggest: the canonical IANA names, and the series' own if an alias."""
    return zone_choices(current)


def link(endpoint: str, path: str, **values) -> str:
    """The URL of a sessions page that may not be part of this installation yet."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else path


# -- loading and checking --------------------------------------------------------------------


def manage_or_403(row: SessionSeries) -> None:
    """Refuse (403) anyone but the team's lead or an admin a change to the series."""
    if not access.can_manage(row.team_id, current_user):
        abort(403, description="Only the team's lead or an admin can change this series.")


def _teams_to_set_up() -> list[Team]:
    """The teams the person may set up a series for: their own as lead; any as admin."""
    query = sa.select(Team).order_by(Team.name)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(Team.lead_id == current_user.id)
    return list(db.session.scalars(query))


def _fields(form: SeriesForm) -> services.SeriesFields:
    return services.SeriesFields(
        title=form.title.data or "",
        weekday=form.weekday.data,
        start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data,
        timezone=form.timezone.data.strip(),
        first_date=form.first_date.data,
        until=form.until.data,
        location=(form.location.data or "").strip(),
        description=(form.description.data or "").strip(),
    )


def show_errors(form, errors, names: dict[str, str] | None = None) -> dict[str, str]:
    """Put each problem by the field it is about; return those no field shows."""
    problems = {}
    for error in errors:
        field = getattr(form, (names or {}).get(error.field, error.field), None)
        if field is None or field.type in ("HiddenField", "CSRFTokenField"):
            problems[error.field] = error.message
        elif error.message not in field.errors:
            field.errors.append(error.message)
    return problems


def flash_notes(notes: list[str]) -> None:
    for note in notes:
        flash(note, "info")


def back_to_series(row: SessionSeries):
    return redirect(url_for("sessions.series_page", series_id=row.id))


def check_form(form) -> None:
    if not form.validate_on_submit():
        abort(400, description="The form was not sent as expected; please reload the page and try again.")


# -- the pages -------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The series the person is invited to or runs, each with its next session in their time."""
    now, mine = utcnow(), person_zone(current_user.timezone)
    rows = db.session.scalars(access.visible_series(current_user)).all()
    listed = []
    for row in rows:
        upcoming = services.next_session(services.as_series(row), now)
        listed.append(
            (row, describe_slot(row), span(upcoming.start_local, upcoming.end_local, mine) if upcoming else None)
        )
    return render_template(
        "sessions/index.html", listed=listed, zone_name=mine.key, may_set_up=bool(_teams_to_set_up())
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_series():
    """Set up a weekly series for a team; its members get the invite by email."""
    teams = _teams_to_set_up()
    if not teams:
        abort(403, description="Only a team's lead or an admin can set up a weekly session.")
    form = SeriesForm()
    form.team_id.choices = [(t.id, t.name) for t in teams]
    if request.method == "GET":
        today = utcnow().astimezone(person_zone(current_user.timezone)).date()
        wanted = request.args.get("team_id", type=int)
        form.team_id.data = wanted if any(t.id == wanted for t in teams) else teams[0].id
        form.title.data = "What did we learn this week?"
        form.weekday.data, form.start_time.data, form.duration_minutes.data = today.weekday(), time(10), 30
        form.timezone.data, form.first_date.data = person_zone(current_user.timezone).key, today
    if len(teams) == 1:
        form.team_id.data = teams[0].id
    problems = {}
    if form.validate_on_submit():
        team = next(t for t in teams if t.id == form.team_id.data)
        try:
            series_id, notes = services.create_series(team.id, current_user.id, _fields(form), form.request_key.data)
        except services.SeriesInvalid as exc:
            problems = show_errors(form, exc.errors)
        else:
            flash(f"The series is saved. Everyone in {team.name} gets an invite by email.", "success")
            flash_notes(notes)
            return redirect(url_for("sessions.series_page", series_id=series_id))
    return render_template(
        "sessions/series_form.html",
        form=form,
        teams=teams,
        problems=problems,
        zones=zone_names(form.timezone.data),
        series=None,
    ), 400 if request.method == "POST" else 200


@bp.route("/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(row: SessionSeries):
    """Change the slot or the text; everyone's calendar gets the change."""
    manage_or_403(row)
    if row.is_cancelled:
        flash("The series is cancelled; it cannot change any more.", "error")
        return back_to_series(row)
    form = SeriesForm(obj=row)
    del form.team_id
    problems = {}
    if form.validate_on_submit():
        version = row.sequence
        try:
            notes = services.change_series(row.id, _fields(form))
        except services.SeriesInvalid as exc:
            problems = show_errors(form, exc.errors)
        else:
            if row.sequence == version:
                flash("Nothing changed.", "info")
            else:
                flash("The series is changed. Everyone's calendar gets the update.", "success")
            flash_notes(notes)
            return back_to_series(row)
    return render_template(
        "sessions/series_form.html",
        form=form,
        teams=[],
        problems=problems,
        zones=zone_names(form.timezone.data),
        series=row,
    ), 400 if request.method == "POST" else 200


@bp.get("/<int:series_id>")
@login_required
def series_page(row: SessionSeries):
    """The slot, the coming weeks; for the lead also who answered, guests and the switches."""
    return render_series_page(row)


def render_series_page(row: SessionSeries, names_form: NamesForm | None = None, status: int = 200):
    manage = access.can_manage(row.team_id, current_user)
    series, now, mine = services.as_series(row), utcnow(), person_zone(current_user.timezone)
    weeks = [] if row.is_cancelled else services.coming_weeks(series, now, WEEKS_SHOWN)
    rows_by_day = {w.day: w for w in row.weeks}
    week_ids = {rows_by_day[w.day].id: w.day for w in weeks if w.day in rows_by_day}
    invitees = sorted((m for m in row.members if m.left_at is None), key=lambda m: m.user.name.casefold())
    if not manage:
        invitees = [m for m in invitees if m.user_id == current_user.id]
    answers: dict[tuple[date, int], str] = {}
    if week_ids:
        for answer in db.session.scalars(
            sa.select(WeekAnswer).where(
                WeekAnswer.week_id.in_(week_ids), WeekAnswer.user_id.in_([m.user_id for m in invitees])
            )
        ):
            answers[week_ids[answer.week_id], answer.user_id] = answer.partstat
    return render_template(
        "sessions/series.html",
        series=row,
        manage=manage,
        weeks=weeks,
        week_rows=rows_by_day,
        invitees=invitees,
        answers=answers,
        ANSWERS=ANSWERS,
        mine=mine,
        span=span,
        link=link,
        tallies={w.day: tally(w.day, invitees, answers) for w in weeks if not w.skipped},
        not_invitable=services.not_invitable(row) if manage else [],
        slot=describe_slot(row),
        first_day=series.first_day,
        action_form=ActionForm(),
        guest_form=GuestForm(),
        names_form=names_form
        or NamesForm(
            shown="1" if row.names_shown else "0", prompt_hours=row.prompt_hours, remind_minutes=row.remind_minutes
        ),
        cancel_form=CancelForm(),
    ), status
