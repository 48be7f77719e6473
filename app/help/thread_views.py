"""Question pages: the thread (answers, follow-ups, resolve, rating), the asker's list of
questions, and the ask form in a minimal layout for the embeddable button's panel."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import orm
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.errors import InvalidInput
from app.extensions import db
from app.forms import show_errors
from app.help import bp, thread
from app.help.ask import LINK_MAX, TITLE_MAX, ask_question, valid_link
from app.help.duplicates import AskedBefore
from app.help.forms import AskForm
from app.help.markdown import render_markdown
from app.help.models import AttemptState, Question, QuestionState, Visibility
from app.request_keys import RequestKeyField

PUBLISH_CHOICES = [
    SelectChoice(Visibility.NAMED.value, "Publish it in the knowledge base with my name"),
    SelectChoice(Visibility.ANONYMOUS.value, "Publish it without my name"),
    SelectChoice(Visibility.PRIVATE.value, "Do not publish it"),
]
# The embed page is the one page other sites may frame: the button's panel shows it.
EMBED_CSP = "frame-ancestors *"


bp.add_app_template_filter(render_markdown, "markdown")


class ReplyForm(FlaskForm):
    body = TextAreaField("Your answer")
    request_key = RequestKeyField()  # a double click posts once
    submit = SubmitField("Post")


class ResolveForm(FlaskForm):
    visibility = RadioField("Knowledge base", choices=PUBLISH_CHOICES, validators=[Optional()])
    submit = SubmitField("Mark resolved")


class RatingForm(FlaskForm):
    note = StringField("Anything to add? (optional)", validators=[Length(max=thread.NOTE_MAX_CHARS)])
    yes = SubmitField("Yes, it helped")
    no = SubmitField("No, it did not")


def _question_for(question_id: int) -> Question:
    """Load a question the signed-in person may see; 404 for anyone else, as if it did not exist."""
    thread.visible_question(question_id, current_user.id)  # QuestionNotFound: 404
    return db.session.scalar(
        sa.select(Question)
        .where(Question.id == question_id)
        .options(
            orm.selectinload(Question.posts), orm.selectinload(Question.skills), orm.selectinload(Question.attempts)
        )
    )


def _thread_page(question: Question, reply_form=None, resolve_form=None, rating_form=None, status: int = 200):
    is_asker = question.asker_id == current_user.id
    live = next((a for a in question.attempts if a.state == AttemptState.WAITING), None)
    reply_form = reply_form or ReplyForm()
    if is_asker:
        reply_form.body.label.text = "Add a follow-up"
    resolve_form = resolve_form or ResolveForm(visibility=question.visibility.value)
    rating_form = rating_form or RatingForm(note=question.helpful_note)
    return render_template(
        "help/thread.html",
        question=question,
        is_asker=is_asker,
        live=live,
        can_resolve=question.state != QuestionState.RESOLVED
        and (is_asker or thread.answered_by(question, current_user.id)),
        can_publish=is_asker,
        can_rate=is_asker and question.first_reply_at is not None,
        safe_link=question.link if question.link.lower().startswith(("http://", "https://")) else "",
        reply_form=reply_form,
        resolve_form=resolve_form,
        rating_form=rating_form,
    ), status


def _show_errors(form, exc: InvalidInput) -> None:
    """Put a service's per-field messages on the form's fields (or the form itself)."""
    show_errors(form, exc)


@bp.route("/help/questions")
@login_required
def my_questions():
    """The questions the signed-in person asked, newest first."""
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.asker_id == current_user.id)
        .options(orm.selectinload(Question.skills))
        .order_by(Question.created_at.desc(), Question.id.desc())
    ).all()
    return render_template("help/my_questions.html", questions=questions)


@bp.route("/help/questions/<int:question_id>", endpoint="thread")
@login_required
def thread_page(question_id: int):
    """The question, its thread, and what the signed-in person can do on it."""
    return _thread_page(_question_for(question_id))


@bp.route("/help/questions/<int:question_id>/posts", methods=["POST"])
@login_required
def post_reply(question_id: int):
    """Post an answer or a follow-up on the thread."""
    question = _question_for(question_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = thread.post_answer(
                question.id, current_user.id, form.body.data or "", via="web", request_key=form.request_key.data
            )
        except InvalidInput as exc:
            _show_errors(form, exc)
        else:
            flash(
                "Your follow-up is posted." if question.asker_id == current_user.id else "Your answer is posted.",
                "success",
            )
            return redirect(url_for("help.thread", question_id=question.id) + f"#post-{post.id}")
    return _thread_page(_question_for(question_id), reply_form=form, status=400)


@bp.route("/help/questions/<int:question_id>/resolve", methods=["POST"])
@login_required
def resolve(question_id: int):
    """Mark the question resolved; the asker also chooses how it is published."""
    question = _question_for(question_id)
    form = ResolveForm()
    if form.validate_on_submit():
        visibility = form.visibility.data if question.asker_id == current_user.id else None
        try:
            thread.resolve(question.id, current_user.id, visibility or None)
        except InvalidInput as exc:
            _show_errors(form, exc)
        except thread.NotAllowed as exc:
            abort(403, str(exc))
        else:
            flash("Marked resolved. Thank you!", "success")
            return redirect(url_for("help.thread", question_id=question.id))
    return _thread_page(_question_for(question_id), resolve_form=form, status=400)


@bp.route("/help/questions/<int:question_id>/rating", methods=["POST"])
@login_required
def rate(question_id: int):
    """Record whether the answer helped (the asker only)."""
    question = _question_for(question_id)
    form = RatingForm()
    if form.validate_on_submit() and (form.yes.data or form.no.data):
        try:
            thread.rate_answer(question.id, current_user.id, bool(form.yes.data), form.note.data or "")
        except InvalidInput as exc:
            _show_errors(form, exc)
        except thread.NotAllowed as exc:
            abort(403, str(exc))
        except thread.NotYet as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("help.thread", question_id=question.id))
        else:
            flash("Thanks, your rating is saved.", "success")
            return redirect(url_for("help.thread", question_id=question.id))
    return _thread_page(_question_for(question_id), rating_form=form, status=400)


@bp.route("/help/embed", methods=["GET", "POST"])
def embed():
    """The ask form in a minimal layout, for the "Help, I'm stuck!" button's panel."""
    # Not login_required: a sign-in page must never be framed, so the panel says how
    # to sign in (in a tab of its own) instead of redirecting inside the frame.
    form = AskForm()
    asked, status, asked_before = None, 200, None
    if request.method == "GET":
        form.link.data = _page_link(request.args.get("link", ""))
        form.page_title.data = request.args.get("title", "")[:TITLE_MAX]
    elif not current_user.is_authenticated:
        status = 401
    elif not form.validate_on_submit():
        status = 400
    else:
        try:
            asked = ask_question(current_user.id, form.ask_input())
        except AskedBefore as exc:  # nothing saved; the form keeps every word
            asked_before, status = exc, 409
        except InvalidInput as exc:
            _show_errors(form, exc)
            status = 400
    if not form.request_key.data:
        form.request_key.data = secrets.token_urlsafe(24)  # a double click asks once
    # Hidden fields cannot show their own errors (an expired form, a key sent twice at once).
    problems = {
        name: " ".join(errors)
        for name, errors in form.errors.items()
        if name and form[name].type in ("HiddenField", "CSRFTokenField")
    }
    if form.form_errors:
        problems["form"] = " ".join(form.form_errors)
    response = make_response(
        render_template("help/embed.html", form=form, asked=asked, problems=problems, asked_before=asked_before), status
    )
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


def _page_link(link: str) -> str:
    """The address of the page the button sits on, if it is one a question may carry."""
    try:
        return valid_link(link[:LINK_MAX])
    except ValueError:
        return ""  # an intranet file or a browser page: the person may add a link themselves
