"""A mentor's "Questions for you" page: what waits for their reply, by when, taking a
question ("I'll take it"), releasing one taken ("I can't after all"), and passing one on
with a hint."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from app.extensions import db
from app.help import bp, holds, routing
from app.help.duplicates import repeat_for
from app.help.models import Attempt
from app.help.notices import hints_for, reason_for
from app.times import time_with_zone


class PassForm(FlaskForm):
    hint = StringField(
        "Who could help? (optional)",
        validators=[Optional(), Length(max=routing.HINT_LIMIT)],
        render_kw={"placeholder": "ask Dana"},
    )
    submit = SubmitField("Pass it on")


class ReleaseForm(FlaskForm):
    """ "I can't after all": one button and its CSRF token."""

    submit = SubmitField("I can't after all")


class TakeForm(FlaskForm):
    """ "I'll take it": one button and its CSRF token."""

    submit = SubmitField("I'll take it")


def taken_message(attempt: Attempt) -> str:
    """What the mentor reads after taking a question: the asker knows, and the new deadline."""
    return (
        f"Thanks — {attempt.question.asker.name} knows you're on it. It stays with you until "
        f"{time_with_zone(attempt.deadline_at, attempt.mentor.timezone)} (your working time)."
    )


def released_message(following: Attempt | None) -> str:
    """What the taker reads after releasing a question: where it went."""
    return f"Released. {holds.where_it_went(following)} {'They' if following else 'The asker'} will know why."


@bp.route("/help/for-you")
@login_required
def inbox():
    """The questions waiting for the signed-in person's reply, with their deadlines."""
    return render_template(
        "help/inbox_questions.html",
        attempts=routing.waiting_for(current_user.id),
        form=PassForm(),
        take_form=TakeForm(),
        release_form=ReleaseForm(),
        hints_for=hints_for,
        reason_for=reason_for,
        time_with_zone=time_with_zone,
        repeat_for=repeat_for,
    )


@bp.route("/help/for-you/<int:attempt_id>/take", methods=["POST"])
@login_required
def take(attempt_id: int):
    """The asked mentor takes the question: the asker hears so; anyone else gets a 404."""
    attempt = _own_attempt(attempt_id)
    if not TakeForm().validate_on_submit():
        abort(400)
    return _act(lambda: taken_message(holds.take_question(attempt.id, current_user.id)))


@bp.route("/help/for-you/<int:attempt_id>/pass", methods=["POST"])
@login_required
def pass_on(attempt_id: int):
    """The asked mentor passes the question on; anyone else gets a 404."""
    attempt = _own_attempt(attempt_id)
    form = PassForm()
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("help.inbox"))

    def pass_it_on() -> str:
        routing.pass_question(attempt.id, current_user.id, form.hint.data or "")
        return "Passed on. We are asking someone else now."

    return _act(pass_it_on)


@bp.route("/help/for-you/<int:attempt_id>/release", methods=["POST"])
@login_required
def release(attempt_id: int):
    """The taker cannot answer after all: the question moves on now; anyone else gets a 404."""
    attempt = _own_attempt(attempt_id)
    if not ReleaseForm().validate_on_submit():
        abort(400)
    return _act(lambda: released_message(holds.release_question(attempt.id, current_user.id)))


def _own_attempt(attempt_id: int) -> Attempt:
    """The attempt, if it asks the signed-in person; a 404 for anyone else."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if attempt.mentor_id != current_user.id:
        abort(404)
    return attempt


def _act(action: Callable[[], str]):
    """Run a routing action; show what it did, or why it cannot happen now, on the inbox."""
    try:
        done = action()
    except routing.RoutingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("help.inbox"))
