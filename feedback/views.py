"""Feedback pages: the person's feedback home, task feedback (the form, their own list, and
the form a mail's link opens), and rating how clear a question was."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.help.forms import skill_names
from app.people.models import Role, User
from app.people.services import InvalidInput
from app.request_checks import database_id
from app.tokens import TokenError, TokenUsed, link_problem_page, use_token
from feedback import bp, checkins, clarity, links, tasks
from feedback.errors import NotAllowed, NotFound
from feedback.forms import ClarityForm, TaskForm, as_int
from feedback.models import HELPED, MentorshipFlag
from feedback.pages import hidden_problems, open_mail_link, show_errors


@bp.route("/")
@login_required
def home():
    """What the person can tell us now, and what they told us."""
    open_checkins = [c for c in checkins.open_checkins(current_user.id) if c.score is None]
    recent_tasks = db.session.scalars(tasks.own_task_feedback(current_user.id).limit(5)).all()
    open_flags = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(MentorshipFlag).where(MentorshipFlag.cleared_at.is_(None))
        )
        if current_user.has_role(Role.ADMIN)
        else None
    )
    return render_template(
        "feedback/home.html",
        open_checkins=open_checkins,
        recent_tasks=recent_tasks,
        my_clarity=clarity.clarity_for_asker(current_user.id),
        to_rate=clarity.answered_recently(current_user.id),
        open_flags=open_flags,
    )


# Task feedback


def _task_input(form: TaskForm, question_id: int | None = None) -> tasks.TaskInput:
    return tasks.TaskInput(
        title=form.title.data or "",
        rating=as_int(form.rating.data),
        time_taken=form.time_taken.data or "",
        link=form.link.data or "",
        skills=skill_names(form.skills.data),
        helped=tuple(form.helped.data or ()),
        helped_note=form.helped_note.data or "",
        missing=form.missing.data or "",
        signed=bool(form.signed.data),
        shared=bool(form.shared.data),
        question_id=question_id,
        request_key=form.request_key.data or None,
    )


def _task_page(form: TaskForm, action: str, person: User, question=None, status: int = 200, problems=None):
    if not form.request_key.data:
        form.request_key.data = secrets.token_urlsafe(24)  # a double click saves once
    return render_template(
        "feedback/task_form.html",
        form=form,
        action=action,
        person=person,
        question=question,
        problems={**hidden_problems(form), **(problems or {})},
    ), status


@bp.route("/tasks/new", methods=["GET", "POST"])
@login_required
def new_task():
    """The task-feedback form; `?question=<id>` fills it in from one of the person's questions."""
    question_id = request.args.get("question", type=int)
    question = None
    if question_id is not None:
        try:
            question = tasks.own_question(database_id(question_id), current_user.id)
        except (ValueError, NotFound):  # a number no id is, or not the person's question
            abort(404)
    action = url_for("feedback.new_task", question=question_id)
    if request.method == "GET":
        form = TaskForm(data=tasks.prefilled_from(question) if question is not None else None)
        return _task_page(form, action, current_user, question)
    form = TaskForm()
    if not form.validate_on_submit():
        return _task_page(form, action, current_user, question, 400)
    try:
        tasks.record_task_feedback(current_user.id, _task_input(form, question_id), via="web")
    except InvalidInput as exc:
        return _task_page(form, action, current_user, question, 400, show_errors(form, exc))
    flash("Thank you. Your feedback is saved.", "success")
    return redirect(url_for("feedback.my_tasks"))


@bp.route("/tasks")
@login_required
def my_tasks():
    """The task feedback the person gave, newest first."""
    page = db.paginate(tasks.own_task_feedback(current_user.id), per_page=50, error_out=False)
    return render_template("feedback/my_tasks.html", page=page, helped_labels=HELPED)


@bp.route("/tasks/email/<token>", methods=["GET", "POST"], endpoint="task_from_mail")
def task_from_mail(token: str):
    """The form a "How did the task go?" link opens, filled in from the question; no
    sign-in needed, the link names the person. Sending it uses the link up."""
    try:
        link, person, question = open_mail_link(links.TASK, token, tasks.own_question)
    except TokenError as error:
        return link_problem_page(error)
    action = url_for("feedback.task_from_mail", token=token)
    if request.method == "GET":
        return _task_page(TaskForm(data=tasks.prefilled_from(question)), action, person, question)
    form = TaskForm()
    if not form.validate_on_submit():
        return _task_page(form, action, person, question, 400)
    try:
        use_token(link)
        tasks.record_task_feedback(person.id, _task_input(form, question.id), via="email")
    except TokenUsed as error:
        return link_problem_page(error)
    except InvalidInput as exc:
        return _task_page(form, action, person, question, 400, show_errors(form, exc))
    return render_template(
        "links/done.html",
        title="Thank you",
        message="Your feedback on the task is saved.",
        next_url=url_for("help.thread", question_id=question.id),
        next_label="Open the question",
    )


# Question clarity


@bp.route("/questions/<int:question_id>/clarity", methods=["GET", "POST"])
@login_required
def rate_clarity(question_id: int):
    """A mentor who answered the question rates how clearly it was asked."""
    try:
        question = clarity.ratable_question(question_id, current_user.id)
    except NotFound:
        abort(404)
    except NotAllowed as exc:
        abort(403, str(exc))
    mine = clarity.my_rating(question.id, current_user.id)
    form = ClarityForm()
    status = 200
    if request.method == "GET":
        form.score.data = str(mine.score) if mine else None
    elif form.validate_on_submit():
        try:
            clarity.rate_clarity(question.id, current_user.id, as_int(form.score.data))
        except InvalidInput as exc:
            show_errors(form, exc)
            status = 400
        else:
            flash(
                "Thank you. The asker sees how clear their questions are only once several "
                "mentors have rated them, never who said what.",
                "success",
            )
            return redirect(url_for("feedback.home"))
    else:
        status = 400
    return render_template(
        "feedback/clarity.html", form=form, question=question, mine=mine, problems=hidden_problems(form)
    ), status
