"""The pages behind the one-click links in the help desk's emails: take a question, pass
it on, release one taken, say whether an answer helped.

Mail scanners open links before people do, so a GET only shows what the button will do;
the POST acts, once. No sign-in is needed: the signed single-use token names the person,
and the service still checks that this person may do this to this object.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.help import bp, holds, routing, thread
from app.help.mail_links import ACTIONS, read_link
from app.help.mentor_pool import schedule_of
from app.help.mentor_views import PassForm, released_message, taken_message
from app.help.models import Attempt, AttemptState, Question, QuestionState
from app.links import LinkKind, open_link
from app.people.models import User
from app.times import time_with_zone
from app.tokens import LinkToken

# The confirmation page of each action: its title and its button.
PAGES = {
    "take": ("Will you take this question?", "I'll take it"),
    "pass": ("Pass this question on?", "Pass it on"),
    "release": ("Release this question?", "I can't after all"),
    "helpful": ("Did the answer help?", "Yes, it helped"),
    "not-helpful": ("Did the answer help?", "No, it did not help"),
}


class ConfirmForm(FlaskForm):
    """The button alone, and its CSRF token."""


class RateForm(FlaskForm):
    note = StringField("Anything to add? (optional)", validators=[Optional(), Length(max=thread.NOTE_MAX_CHARS)])


def _form(action: str) -> FlaskForm:
    if action in ("pass", "release"):
        return PassForm()
    return RateForm() if action in ("helpful", "not-helpful") else ConfirmForm()


@dataclass(frozen=True)
class _Opened:
    """What a help desk link is about: its action and object, its person, the question (and
    the attempt, for a mentor's link)."""

    action: str
    object_id: int
    person: User
    question: Question
    attempt: Attempt | None


def _read(token: str, action: str) -> LinkToken:
    if action not in ACTIONS:
        abort(404)
    return read_link(action, token)


def _load(link: LinkToken, action: str) -> _Opened:
    person = db.session.get(User, link.user_id)
    if person is None or not person.active:
        abort(404)
    question, attempt = _object_of(action, link.object_id, person)
    return _Opened(action, link.object_id, person, question, attempt)


def _moved_on(opened: _Opened):
    if opened.attempt is not None and not _still_waiting(opened.attempt):
        return _done("This question has moved on", "This question has moved on already.", opened.question, 409)
    return None


def _ask(opened: _Opened, form: FlaskForm, status: int):
    return _confirm_page(opened.action, form, opened.question, opened.attempt, opened.person, status)


def _act_and_answer(opened: _Opened, form: FlaskForm):
    """Do what the link says and say what happened; nothing changes when it cannot be done."""
    action, question = opened.action, opened.question
    try:
        message = _act(action, opened.object_id, opened.person, form)
    except routing.NotAsked:
        abort(404)
    except routing.RoutingError as exc:
        return _done("Nothing was changed", str(exc), question, 409)
    except thread.QuestionNotFound:
        abort(404)
    except (thread.NotAllowed, thread.NotYet) as exc:
        return _done("Nothing was changed", str(exc), question, 409)
    except InvalidInput as exc:
        form.form_errors.extend(exc.fields.values())
        return _confirm_page(action, form, question, opened.attempt, opened.person, 400)
    return _done("Done", message, question)


EMAIL_ACTION_LINK = LinkKind(
    read=_read,
    load=_load,
    refuse=_moved_on,
    form=lambda opened: _form(opened.action),
    confirm=_ask,
    act=_act_and_answer,
)


@bp.route("/help/email/<action>/<token>", methods=["GET", "POST"], endpoint="email_action")
def email_action(action: str, token: str):
    """A one-click link from an email: GET asks to confirm, POST acts, once."""
    return open_link(EMAIL_ACTION_LINK, token, action=action)


def _object_of(action: str, object_id: int, person: User) -> tuple[Question, Attempt | None]:
    """The question a link is about (and the attempt, for a mentor's link), if the link's
    person is the one who may use it; else 404, as if there were no such thing."""
    if action in ("take", "pass", "release"):
        attempt = db.get_or_404(Attempt, object_id)
        if attempt.mentor_id != person.id:
            abort(404)
        return attempt.question, attempt
    question = db.get_or_404(Question, object_id)
    if question.asker_id != person.id:
        abort(404)
    return question, None


def _still_waiting(attempt: Attempt) -> bool:
    return attempt.state == AttemptState.WAITING and attempt.question.state == QuestionState.OPEN


def _confirm_page(action: str, form: FlaskForm, question: Question, attempt: Attempt | None, person: User, status: int):
    title, button = PAGES[action]
    return render_template(
        "help/link_confirm.html",
        title=title,
        button=button,
        form=form,
        message=_asking(action, question, attempt, person),
        details=_details(action, question),
    ), status


def _act(action: str, object_id: int, person: User, form: FlaskForm) -> str:
    """Do what the link says, in the transaction that used it up; return what to tell the person."""
    if action == "take":
        return taken_message(holds.take_question(object_id, person.id))
    if action == "release":
        return released_message(holds.release_question(object_id, person.id, form.hint.data or ""))
    if action == "pass":
        routing.pass_question(object_id, person.id, form.hint.data or "")
        return "Passed on. We are asking someone else now."
    helpful = action == "helpful"
    thread.rate_answer(object_id, person.id, helpful, form.note.data or "")
    if helpful:
        return "Thanks — we are glad it helped. If it is solved, you can mark it resolved on the thread."
    return (
        "Thanks for telling us. You can follow up on the thread, or reply to the answer's email, "
        "to say what is still missing."
    )


def _asking(action: str, question: Question, attempt: Attempt | None, person: User) -> str:
    """What the button will do, in plain words."""
    if action == "take":
        until = max(attempt.deadline_at, holds.hold_until(schedule_of(person), question.urgency, utcnow()))
        if attempt.taken_at is None:
            return (
                f"{question.asker.name} will hear that you are on it, and you will have until "
                f"{time_with_zone(until, person.timezone)} to answer."
            )
        return f"You took it already; you have until {time_with_zone(attempt.deadline_at, person.timezone)}."
    if action == "pass":
        return "We will ask someone else at once. A hint helps them find the right person."
    if action == "release":
        return (
            f"You took this question. Releasing it asks someone else at once, and {question.asker.name} "
            "hears where it went. A hint helps them find the right person."
        )
    return "Saying whether an answer helped lets your mentors learn what works."


def _details(action: str, question: Question) -> list[str]:
    """The question the link is about, as lines of text."""
    if action in ("take", "pass", "release"):
        return [f"{question.asker.name} asked: {question.goal}", question.stuck]
    return [f"Your question: {question.goal}"]


def _done(title: str, message: str, question: Question, status: int = 200):
    return render_template(
        "links/done.html",
        title=title,
        message=message,
        next_url=url_for("help.thread", question_id=question.id),
        next_label="Open the question",
    ), status
