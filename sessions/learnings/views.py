"""A week's page: when the session is, adding learnings before it, taking one's own back,
and the agenda the week built."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField

from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.forms import show_errors
from app.request_keys import RequestKeyField
from app.times import describe_when, zone
from sessions import bp
from sessions.learnings.services import (
    LearningRefused,
    add_learning,
    agenda_for,
    delete_learning,
    find_week,
    is_invitee,
    is_open,
    own_learnings,
    session_of,
    why_not_add,
)
from sessions.learnings.text import TEXT_MAX
from sessions.models import Learning, LearningKind, SessionSeries


class LearningForm(FlaskForm):
    """One learning: what kind it is and a sentence or two. The service checks the values."""

    kind = RadioField(
        "What is it?",
        choices=[SelectChoice(k.value, k.label) for k in LearningKind],
        default=LearningKind.LEARNED.value,
        validate_choice=False,
    )
    text = TextAreaField("In a sentence or two", render_kw={"rows": 3, "maxlength": TEXT_MAX})
    request_key = RequestKeyField()  # a double click adds it once
    submit = SubmitField("Add")


class DeleteForm(FlaskForm):
    submit = SubmitField("Take back")


def _page(
    row: SessionSeries, day: date, form: LearningForm | None = None, status: int = 200, problem: str | None = None
):
    now = utcnow()
    week = find_week(row.id, day)
    session = session_of(row, day)
    agenda = agenda_for(row, day, current_user.id, now)
    refusal = why_not_add(row, week, current_user.id)
    viewer_zone = zone(current_user.timezone).key
    return render_template(
        "sessions/week.html",
        series=row,
        week=week,
        day=day,
        agenda=agenda,
        when=describe_when(session.start_utc, session.end_utc, row.timezone),
        your_when=(
            describe_when(session.start_utc, session.end_utc, viewer_zone) if viewer_zone != row.timezone else None
        ),
        moved=session.moved,
        note=session.note,
        form=form or LearningForm(),
        can_add=refusal is None,
        refusal=refusal if is_invitee(row.id, current_user.id) else None,
        problem=problem,
        mine=own_learnings(week.id if week else None, current_user.id),
        can_take_back=not agenda.open and not (week and week.closed_at),
    ), status


@bp.route("/<int:series_id>/weeks/<day>", methods=["GET", "POST"])
@login_required
def week_page(row: SessionSeries, day: date):
    """The week's session: when it is, the person's learnings, and the agenda."""
    if request.method == "GET":
        return _page(row, day)
    form = LearningForm()
    if not form.validate_on_submit():
        return _page(row, day, form, 400)
    try:
        learning = add_learning(
            row.id, day, current_user.id, form.kind.data or None, form.text.data, form.request_key.data
        )
    except InvalidInput as exc:
        show_errors(form, exc)
        return _page(row, day, form, 400)
    except LearningRefused as exc:
        return _page(row, day, form, 409, problem=str(exc))
    flash(
        "Added. Everyone at the session can see it now."
        if is_open(learning.week, utcnow())
        else "Added. Only you can see it until the session starts.",
        "success",
    )
    return redirect(url_for("sessions.week_page", series_id=row.id, day=day.isoformat()))


@bp.route(
    "/<int:series_id>/weeks/<day>/learnings/<int:learning_id>/delete", methods=["POST"], endpoint="delete_learning"
)
@login_required
def delete_learning_view(row: SessionSeries, day: date, learning_id: int):
    """Take back one of the person's own learnings, before the session starts."""
    learning = db.session.get(Learning, learning_id)
    if (
        learning is None
        or learning.author_id != current_user.id
        or learning.week.series_id != row.id
        or learning.week.day != day
    ):
        abort(404)
    if not DeleteForm().validate_on_submit():
        return _page(row, day, status=400, problem="The page was open too long. Please try again.")
    try:
        delete_learning(learning.id, current_user.id, utcnow())
    except LearningRefused as exc:
        return _page(row, day, status=409, problem=str(exc))
    flash("Taken back.", "success")
    return redirect(url_for("sessions.week_page", series_id=row.id, day=day.isoformat()))
