"""The lead's changes to a series from its page: one week skipped, restored or moved, the
series cancelled, names and the prompt time set, guests invited and removed. Each is a POST
with a CSRF token, committed here, then back to the series page; a member gets a 403."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, flash, render_template, request
from flask_login import current_user, login_required

from app.extensions import db, utcnow
from app.people.models import User, normalize_email
from app.times import long_date
from app.times import zone as person_zone
from sessions import access, bp
from sessions.models import SeriesMember, SessionSeries
from sessions.series import services
from sessions.series.forms import ActionForm, CancelForm, GuestForm, MoveForm, NamesForm
from sessions.series.schedule import occurrence, regular_occurrence, resolve_local
from sessions.series.views import (
    back_to_series,
    check_form,
    flash_notes,
    manage_or_403,
    render_series_page,
    show_errors,
    span,
)

# Form fields by the name `sessions.series.schedule.validate_series` gives a problem.
MOVE_FIELDS = {"moved": "duration_minutes"}


def _refused(row: SessionSeries, form):
    """Back to the series page, with the form's messages shown at its top."""
    flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return back_to_series(row)


def _week_is_over(row: SessionSeries, day: date) -> bool:
    return occurrence(services.as_series(row), day).end_utc <= utcnow()


# -- one week --------------------------------------------------------------------------------


def _week_change(row: SessionSeries, day: date, change, done: str):
    """Run a change to one coming week from its button, and say how it went."""
    manage_or_403(row)
    check_form(ActionForm())
    if _week_is_over(row, day):
        flash(f"The session of the week of {long_date(day)} is over; it cannot change.", "error")
        return back_to_series(row)
    try:
        change(row.id, day)
    except services.SeriesInvalid as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(done.format(day=long_date(day)), "success")
    return back_to_series(row)


@bp.post("/<int:series_id>/weeks/<day>/skip")
@login_required
def skip_week(row: SessionSeries, day: date):
    """Leave one week out; it leaves everyone's calendar."""
    return _week_change(
        row, day, services.skip_week, "The week of {day} is skipped. Everyone's calendar drops that session."
    )


@bp.post("/<int:series_id>/weeks/<day>/restore")
@login_required
def restore_week(row: SessionSeries, day: date):
    """Put a skipped or moved week back where the weekly rule has it."""
    return _week_change(row, day, services.restore_week, "The week of {day} is back at its regular time.")


@bp.route("/<int:series_id>/weeks/<day>/move", methods=["GET", "POST"])
@login_required
def move_week(row: SessionSeries, day: date):
    """Hold one week at another date, time or length."""
    manage_or_403(row)
    regular = day  # the date the weekly rule gives the week
    series = services.as_series(row)
    session = occurrence(series, regular)
    if row.is_cancelled or _week_is_over(row, regular):
        flash(f"The session of the week of {long_date(regular)} cannot change any more.", "error")
        return back_to_series(row)
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
                notes = services.move_week(
                    row.id, regular, datetime.combine(form.date.data, form.time.data), form.duration_minutes.data
                )
            except services.SeriesInvalid as exc:
                problems = show_errors(form, exc.errors, MOVE_FIELDS)
            else:
                flash(f"The week of {long_date(regular)} is moved. Everyone's calendar gets the new time.", "success")
                flash_notes(notes)
                return back_to_series(row)
    return render_template(
        "sessions/move_week.html",
        form=form,
        series=row,
        day=regular,
        problems=problems,
        regular=regular_occurrence(series, regular),
        session=session,
        span=span,
        mine=person_zone(current_user.timezone),
    ), 400 if request.method == "POST" else 200


# -- the series as a whole -----------------------------------------------------------------


@bp.post("/<int:series_id>/cancel")
@login_required
def cancel_series(row: SessionSeries):
    """End the series for everyone, once the lead ticked the confirmation."""
    manage_or_403(row)
    form = CancelForm()
    if not form.validate_on_submit():
        return _refused(row, form)
    services.cancel_series(row.id)
    flash(
        "The series is cancelled. Everyone's calendar gets the cancellation; learnings, action items and history stay.",
        "success",
    )
    return back_to_series(row)


@bp.post("/<int:series_id>/names")
@login_required
def set_names(row: SessionSeries):
    """Show who wrote each learning, or keep them anonymous; and when to ask for them."""
    manage_or_403(row)
    form = NamesForm()
    if not form.validate_on_submit():
        return render_series_page(row, names_form=form, status=400)
    services.set_learning_settings(row.id, form.shown.data == "1", form.prompt_hours.data, form.remind_minutes.data)
    flash(
        ("Learnings now show who wrote them." if row.names_shown else "Learnings are now anonymous.")
        + f" Everyone is asked for them {row.prompt_hours} hours before each session"
        + f" and reminded {row.remind_minutes} minutes before it.",
        "success",
    )
    return back_to_series(row)


@bp.post("/<int:series_id>/guests")
@login_required
def add_guest(row: SessionSeries):
    """Invite someone outside the team by their email address in Unstuck."""
    manage_or_403(row)
    form = GuestForm()
    if not form.validate_on_submit():
        return _refused(row, form)
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
            flash(f"{person.name} is invited as a guest and gets the invite by email.", "success")
    return back_to_series(row)


@bp.post("/<int:series_id>/guests/<int:user_id>/remove")
@login_required
def remove_guest(row: SessionSeries, user_id: int):
    """Take a guest off the series; their calendar gets the cancellation."""
    manage_or_403(row)
    check_form(ActionForm())
    guest = db.session.scalar(
        sa.select(SeriesMember).where(
            SeriesMember.series_id == row.id,
            SeriesMember.user_id == user_id,
            SeriesMember.guest.is_(True),
            SeriesMember.left_at.is_(None),
        )
    )
    if guest is None:
        abort(404, description="That person is not a guest of this series.")
    name = guest.user.name
    try:
        services.remove_guest(row.id, user_id)
    except services.SeriesInvalid as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return back_to_series(row)
    still = access.is_invited(row, db.session.get(User, user_id))
    flash(
        f"{name} is no longer a guest; as a member of the team they stay invited."
        if still
        else f"{name} is no longer invited; their calendar gets the cancellation.",
        "success",
    )
    return back_to_series(row)
