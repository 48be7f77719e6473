"""The series pages: a lead sets up a team's weekly series, changes it, skips or moves one
week, invites guests, and sees who answered; members see the slot, the coming weeks and
their own answer.

Who may: anyone invited, the team's lead and admins see a series (anyone else gets a 404,
as if it did not exist); only the lead and admins change it (a member gets a 403). Every
change is a POST with a CSRF token, committed here; `sessions.series.invitations.update_calendars`
then brings everyone's calendar up to date.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from functools import lru_cache

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db, utcnow
from app.help.clock import zone as person_zone
from app.people.models import Role, Team, User, normalize_email
from sessions import access, bp
from sessions.series import services
from sessions.series.forms import ActionForm, CancelForm, GuestForm, MoveForm, NamesForm, SeriesForm
from sessions.series.invitations import describe_slot
from sessions.models import SeriesMember, SessionSeries, WeekAnswer
from sessions.series.schedule import WEEKDAYS, known_zones, long_date, occurrence, regular_occurrence, resolve_local

WEEKS_SHOWN = 8
ANSWERS = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative",
           "NEEDS-ACTION": "No answer yet", "DELEGATED": "Delegated"}
# Form fields by the name `sessions.series.schedule.validate_series` gives a problem.
MOVE_FIELDS = {"moved": "duration_minutes"}


# -- what the pages show (plain values) ------------------------------------------------------


def span(start: datetime, end: datetime, shown_in=None) -> str:
    """A session's time as people read it: Tuesday 1 December 2026, 10:00–10:30 (Europe/Berlin)."""
    if shown_in is not None:
        start, end = start.astimezone(shown_in), end.astimezone(shown_in)
    return f"{WEEKDAYS[start.weekday()]} {long_date(start.date())}, {start:%H:%M}–{end:%H:%M} ({start.tzinfo.key})"


def tally(day: date, invitees: list[SeriesMember], answers: dict[tuple[date, int], str]) -> list[tuple[str, int]]:
    """How the invitees answered for one week: their answer for that week, else for the series."""
    counts = Counter(answers.get((day, m.user_id), m.partstat) for m in invitees)
    return [(ANSWERS[partstat], counts[partstat]) for partstat in ANSWERS if counts[partstat]]


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """The time zones to suggest: the IANA names people use, not the legacy aliases."""
    return sorted(name for name in known_zones()
                  if name == "UTC" or ("/" in name and not name.startswith(("posix/", "right/", "Etc/"))))


def link(endpoint: str, path: str, **values) -> str:
    """The URL of a sessions page that may not be part of this installation yet."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else path


# -- loading and checking --------------------------------------------------------------------


def _series(series_id: int, manage: bool = False) -> SessionSeries:
    """The series, for someone who may see it (404 otherwise), and change it when `manage` (403)."""
    row = db.session.get(SessionSeries, series_id)
    if row is None or not access.can_see(row, current_user):
        abort(404)
    if manage and not access.can_manage(row.team_id, current_user):
        abort(403, description="Only the team's lead or an admin can change this series.")
    return row


def _week_day(row: SessionSeries, text: str) -> date:
    """The regular date a URL names; 404 for anything that is not a session date of the series."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404, description=f"{text!r} is not a date (use year-month-day, such as 2026-12-01).")
    if not services.as_series(row).is_session_day(day):
        abort(404, description=f"{long_date(day)} is not a session date of this series.")
    return day


def _week_is_over(row: SessionSeries, day: date) -> bool:
    return occurrence(services.as_series(row), day).end_utc <= utcnow()


def _teams_to_set_up() -> list[Team]:
    """The teams the person may set up a series for: their own as lead; any as admin."""
    query = sa.select(Team).order_by(Team.name)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(Team.lead_id == current_user.id)
    return list(db.session.scalars(query))


def _fields(form: SeriesForm) -> services.SeriesFields:
    return services.SeriesFields(
        title=form.title.data or "", weekday=form.weekday.data, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, timezone=form.timezone.data.strip(),
        first_date=form.first_date.data, until=form.until.data,
        location=(form.location.data or "").strip(), description=(form.description.data or "").strip())


def _show_errors(form, errors, names: dict[str, str] | None = None) -> dict[str, str]:
    """Put each problem by the field it is about; return those no field shows."""
    problems = {}
    for error in errors:
        field = getattr(form, (names or {}).get(error.field, error.field), None)
        if field is None or field.type in ("HiddenField", "CSRFTokenField"):
            problems[error.field] = error.message
        elif error.message not in field.errors:
            field.errors.append(error.message)
    return problems


def _flash_notes(notes: list[str]) -> None:
    for note in notes:
        flash(note, "info")


def _back(row: SessionSeries):
    return redirect(url_for("sessions.series_page", series_id=row.id))


def _check_form(form) -> None:
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
        listed.append((row, describe_slot(row), span(upcoming.start_local, upcoming.end_local, mine)
                       if upcoming else None))
    return render_template("sessions/index.html", listed=listed, zone_name=mine.key,
                           may_set_up=bool(_teams_to_set_up()))


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
            series_id, notes = services.create_series(team.id, current_user.id, _fields(form),
                                                      form.request_key.data)
        except services.SeriesInvalid as exc:
            db.session.rollback()
            problems = _show_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(f"The series is saved. Everyone in {team.name} gets an invite by email.", "success")
            _flash_notes(notes)
            return redirect(url_for("sessions.series_page", series_id=series_id))
    return render_template("sessions/series_form.html", form=form, teams=teams, problems=problems,
                           zones=zone_names(), series=None), 400 if request.method == "POST" else 200


@bp.route("/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int):
    """Change the slot or the text; everyone's calendar gets the change."""
    row = _series(series_id, manage=True)
    if row.is_cancelled:
        flash("The series is cancelled; it cannot change any more.", "error")
        return _back(row)
    form = SeriesForm(obj=row)
    del form.team_id
    problems = {}
    if form.validate_on_submit():
        version = row.sequence
        try:
            notes = services.change_series(row.id, _fields(form))
        except services.SeriesInvalid as exc:
            db.session.rollback()
            problems = _show_errors(form, exc.errors)
        else:
            db.session.commit()
            if row.sequence == version:
                flash("Nothing changed.", "info")
            else:
                flash("The series is changed. Everyone's calendar gets the update.", "success")
            _flash_notes(notes)
            return _back(row)
    return render_template("sessions/series_form.html", form=form, teams=[], problems=problems,
                           zones=zone_names(), series=row), 400 if request.method == "POST" else 200


@bp.get("/<int:series_id>")
@login_required
def series_page(series_id: int):
    """The slot, the coming weeks; for the lead also who answered, guests and the switches."""
    return _series_page(_series(series_id))


def _series_page(row: SessionSeries, names_form: NamesForm | None = None, status: int = 200):
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
        for answer in db.session.scalars(sa.select(WeekAnswer).where(
                WeekAnswer.week_id.in_(week_ids), WeekAnswer.user_id.in_([m.user_id for m in invitees]))):
            answers[week_ids[answer.week_id], answer.user_id] = answer.partstat
    return render_template(
        "sessions/series.html", series=row, manage=manage, weeks=weeks, week_rows=rows_by_day,
        invitees=invitees, answers=answers, ANSWERS=ANSWERS, mine=mine, span=span, link=link,
        tallies={w.day: tally(w.day, invitees, answers) for w in weeks if not w.skipped},
        not_invitable=services.not_invitable(row) if manage else [],
        slot=describe_slot(row), first_day=series.first_day, action_form=ActionForm(), guest_form=GuestForm(),
        names_form=names_form or NamesForm(shown="1" if row.names_shown else "0", prompt_hours=row.prompt_hours),
        cancel_form=CancelForm(),
    ), status


# -- one week --------------------------------------------------------------------------------


def _week_change(series_id: int, day_text: str, change, done: str):
    """Run a change to one coming week from its button, and say how it went."""
    row = _series(series_id, manage=True)
    day = _week_day(row, day_text)
    _check_form(ActionForm())
    if _week_is_over(row, day):
        flash(f"The session of the week of {long_date(day)} is over; it cannot change.", "error")
        return _back(row)
    try:
        change(row.id, day)
    except services.SeriesInvalid as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done.format(day=long_date(day)), "success")
    return _back(row)


@bp.post("/<int:series_id>/weeks/<day>/skip")
@login_required
def skip_week(series_id: int, day: str):
    """Leave one week out; it leaves everyone's calendar."""
    return _week_change(series_id, day, services.skip_week,
                        "The week of {day} is skipped. Everyone's calendar drops that session.")


@bp.post("/<int:series_id>/weeks/<day>/restore")
@login_required
def restore_week(series_id: int, day: str):
    """Put a skipped or moved week back where the weekly rule has it."""
    return _week_change(series_id, day, services.restore_week,
                        "The week of {day} is back at its regular time.")


@bp.route("/<int:series_id>/weeks/<day>/move", methods=["GET", "POST"])
@login_required
def move_week(series_id: int, day: str):
    """Hold one week at another date, time or length."""
    row = _series(series_id, manage=True)
    regular = _week_day(row, day)
    series = services.as_series(row)
    session = occurrence(series, regular)
    if row.is_cancelled or _week_is_over(row, regular):
        flash(f"The session of the week of {long_date(regular)} cannot change any more.", "error")
        return _back(row)
    form = MoveForm()
    if request.method == "GET":
        form.date.data, form.time.data = session.start_local.date(), session.start_local.time()
        form.duration_minutes.data = int((session.end_utc - session.start_utc).total_seconds() // 60)
    problems = {}
    if form.validate_on_submit():
        start, _ = resolve_local(form.date.data, form.time.data, series.zone)
        if start <= utcnow():
            form.date.errors.append("Choose a date and time that are still to come.")
        else:
            try:
                notes = services.move_week(row.id, regular, datetime.combine(form.date.data, form.time.data),
                                           form.duration_minutes.data)
            except services.SeriesInvalid as exc:
                db.session.rollback()
                problems = _show_errors(form, exc.errors, MOVE_FIELDS)
            else:
                db.session.commit()
                flash(f"The week of {long_date(regular)} is moved. Everyone's calendar gets the new time.",
                      "success")
                _flash_notes(notes)
                return _back(row)
    return render_template("sessions/move_week.html", form=form, series=row, day=regular, problems=problems,
                           regular=regular_occurrence(series, regular), session=session, span=span,
                           mine=person_zone(current_user.timezone)), 400 if request.method == "POST" else 200


# -- the series as a whole -----------------------------------------------------------------


@bp.post("/<int:series_id>/cancel")
@login_required
def cancel_series(series_id: int):
    """End the series for everyone, once the lead ticked the confirmation."""
    row = _series(series_id, manage=True)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(row)
    services.cancel_series(row.id)
    db.session.commit()
    flash("The series is cancelled. Everyone's calendar gets the cancellation; "
          "learnings, action items and history stay.", "success")
    return _back(row)


@bp.post("/<int:series_id>/names")
@login_required
def set_names(series_id: int):
    """Show who wrote each learning, or keep them anonymous; and when to ask for them."""
    row = _series(series_id, manage=True)
    form = NamesForm()
    if not form.validate_on_submit():
        return _series_page(row, names_form=form, status=400)
    services.set_learning_settings(row.id, form.shown.data == "1", form.prompt_hours.data)
    db.session.commit()
    flash(("Learnings now show who wrote them." if row.names_shown else "Learnings are now anonymous.")
          + f" Everyone is asked for them {row.prompt_hours} hours before each session.", "success")
    return _back(row)


@bp.post("/<int:series_id>/guests")
@login_required
def add_guest(series_id: int):
    """Invite someone outside the team by their email address in Unstuck."""
    row = _series(series_id, manage=True)
    form = GuestForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(row)
    email = normalize_email(form.email.data)
    person = db.session.scalar(sa.select(User).where(User.email == email))
    if person is None or not person.active:
        flash(f"Nobody active in Unstuck has the address {email}; a guest needs an account.", "error")
    elif access.is_invited(row, person):
        flash(f"{person.name} is already invited.", "info")
    else:
        try:
            services.add_guest(row.id, person.id)
        except services.SeriesInvalid as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{person.name} is invited as a guest and gets the invite by email.", "success")
    return _back(row)


@bp.post("/<int:series_id>/guests/<int:user_id>/remove")
@login_required
def remove_guest(series_id: int, user_id: int):
    """Take a guest off the series; their calendar gets the cancellation."""
    row = _series(series_id, manage=True)
    _check_form(ActionForm())
    guest = db.session.scalar(sa.select(SeriesMember).where(
        SeriesMember.series_id == row.id, SeriesMember.user_id == user_id,
        SeriesMember.guest.is_(True), SeriesMember.left_at.is_(None)))
    if guest is None:
        abort(404, description="That person is not a guest of this series.")
    name = guest.user.name
    try:
        services.remove_guest(row.id, user_id)
    except services.SeriesInvalid as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(row)
    db.session.commit()
    still = access.is_invited(row, db.session.get(User, user_id))
    flash(f"{name} is no longer a guest; as a member of the team they stay invited." if still
          else f"{name} is no longer invited; their calendar gets the cancellation.", "success")
    return _back(row)
