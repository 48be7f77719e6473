"""Mentorship pages: a new hire's mentor and why, a mentor's proposals and mentees, and the
one-click links from mails (GET shows a confirmation, only POST acts)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.extensions import db
from app.links import LinkKind, open_link
from app.tokens import LinkToken, TokenInvalid, read_token
from matching import bp, services
from matching.forms import ActionForm, DeclineForm, EndForm, FitForm
from matching.models import FitAnswer, Mentorship, MentorshipState, WaitingForMentor
from matching.notices import LINK_DAYS, reasons_for

bp.add_app_template_global(reasons_for, "reasons_for")

ACTIONS = {
    "accept": ("Accept this mentee?", "Accept"),
    "decline": ("Decline this proposal?", "Decline"),
    "fit-yes": ("Is this mentorship a good fit?", "Yes, it is"),
    "fit-no": ("Is this mentorship a good fit?", "No, it is not"),
}


def _fit_answers(user_id: int, mentorships) -> dict[int, FitAnswer]:
    """The person's answers to "is this a good fit?", by mentorship."""
    ids = [m.id for m in mentorships]
    answers = (
        db.session.scalars(sa.select(FitAnswer).where(FitAnswer.user_id == user_id, FitAnswer.mentorship_id.in_(ids)))
        if ids
        else []
    )
    return {a.mentorship_id: a for a in answers}


def _mentorship_for(mentorship_id: int, *, mentor_only: bool = False) -> Mentorship:
    """Load a mentorship the signed-in person is part of; 404 for anyone else."""
    mentorship = db.get_or_404(Mentorship, mentorship_id)
    allowed = mentorship.mentor_id == current_user.id if mentor_only else mentorship.involves(current_user.id)
    if not allowed:
        abort(404)
    return mentorship


@bp.route("/mentor")
@login_required
def my_mentor():
    """The new hire's mentor and why, that a proposal is on its way, or why they are still
    waiting; and their earlier mentorships (never a proposal that did not start)."""
    mentorships = db.session.scalars(
        sa.select(Mentorship).where(Mentorship.new_hire_id == current_user.id).order_by(Mentorship.proposed_at.desc())
    ).all()
    current = next((m for m in mentorships if m.is_live), None)
    fit = _fit_answers(current_user.id, [current]).get(current.id) if current else None
    # A proposal shows only as on its way: who was asked, and who said no, is not the new hire's.
    return render_template(
        "matching/my_mentor.html",
        current=current,
        history=[m for m in mentorships if not m.is_live and m.seen_by(current_user.id)],
        waiting=db.session.get(WaitingForMentor, current_user.id),
        fit=fit,
        end_form=EndForm(),
        fit_form=FitForm(),
        action_form=ActionForm(),
    )


@bp.route("/mentoring")
@login_required
def mentoring():
    """A mentor's proposals to answer, their mentees, and past mentorships."""
    mine = db.session.scalars(
        sa.select(Mentorship).where(Mentorship.mentor_id == current_user.id).order_by(Mentorship.proposed_at.desc())
    ).all()
    mentees = [m for m in mine if m.state == MentorshipState.ACTIVE]
    return render_template(
        "matching/mentoring.html",
        proposals=[m for m in mine if m.state == MentorshipState.PROPOSED],
        mentees=mentees,
        fits=_fit_answers(current_user.id, mentees),
        past=[m for m in mine if not m.is_live],
        decline_form=DeclineForm(),
        end_form=EndForm(),
        fit_form=FitForm(),
        action_form=ActionForm(),
    )


def _page_of(mentorship: Mentorship, user_id: int) -> str:
    """The page a side of the mentorship goes back to: the new hire's "my mentor" page,
    the "mentoring" page for anyone else."""
    return "matching.my_mentor" if mentorship.new_hire_id == user_id else "matching.mentoring"


def _act(action, success: str, failure_page: str):
    """Run a service call, flash its outcome, and go back to the page it came from."""
    try:
        action()
    except services.MatchingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return redirect(url_for(failure_page))


@bp.route("/mentorships/<int:mentorship_id>/accept", methods=["POST"])
@login_required
def accept(mentorship_id: int):
    """The mentor accepts a proposal."""
    mentorship = _mentorship_for(mentorship_id, mentor_only=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(
        lambda: services.accept(mentorship.id, current_user.id),
        f"You are now {mentorship.new_hire.name}'s mentor.",
        "matching.mentoring",
    )


@bp.route("/mentorships/<int:mentorship_id>/decline", methods=["POST"])
@login_required
def decline(mentorship_id: int):
    """The mentor declines a proposal."""
    mentorship = _mentorship_for(mentorship_id, mentor_only=True)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("matching.mentoring"))
    return _act(
        lambda: services.decline(mentorship.id, current_user.id, form.note.data or ""),
        "Declined. We will ask the next best mentor.",
        "matching.mentoring",
    )


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
@login_required
def end(mentorship_id: int):
    """Either side ends an active mentorship."""
    mentorship = _mentorship_for(mentorship_id)
    back = "matching.mentoring" if mentorship.mentor_id == current_user.id else "matching.my_mentor"
    form = EndForm()
    if not form.validate_on_submit():
        flash("Please say in a few words why the mentorship ends (at most 500 characters).", "error")
        return redirect(url_for(back))
    return _act(
        lambda: services.end(mentorship.id, current_user.id, form.reason.data, form.worked_out.data),
        "The mentorship has ended.",
        back,
    )


@bp.route("/mentorships/<int:mentorship_id>/fit", methods=["POST"])
@login_required
def fit(mentorship_id: int):
    """Answer "is this a good fit?" from the web app."""
    mentorship = _mentorship_for(mentorship_id)
    form = FitForm()
    if not form.validate_on_submit():
        abort(400)
    back = _page_of(mentorship, current_user.id)
    return _act(
        lambda: services.answer_fit_check(mentorship.id, current_user.id, form.good_fit.data == "yes"),
        "Thank you for answering.",
        back,
    )


@bp.route("/mentorships/<int:mentorship_id>/rematch", methods=["POST"])
@login_required
def rematch(mentorship_id: int):
    """End a mentorship that does not fit and look for the next best mentor."""
    mentorship = _mentorship_for(mentorship_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _page_of(mentorship, current_user.id)
    return _act(
        lambda: services.rematch(mentorship.id, current_user.id),
        "This mentorship has ended; we are looking for a better match.",
        back,
    )


@dataclass(frozen=True)
class _Opened:
    """What a mentorship mail's link is about: its action, the mentorship, the link's person."""

    action: str
    mentorship: Mentorship
    user_id: int


def _read(token: str, action: str) -> LinkToken:
    if action not in ACTIONS:
        abort(404)
    purpose = "fit" if action.startswith("fit-") else action
    link = read_token(token, f"mentorship-{action}", max_age_seconds=LINK_DAYS[purpose] * 86400)
    if link.nonce is None:  # every link a mentorship mail carries is single-use
        raise TokenInvalid("This link is not valid.")
    return link


def _load(link: LinkToken, action: str) -> _Opened:
    mentorship = db.get_or_404(Mentorship, link.object_id)
    if not mentorship.involves(link.user_id):
        abort(404)
    return _Opened(action, mentorship, link.user_id)


def _ask(opened: _Opened, form: ActionForm, status: int):
    question, button = ACTIONS[opened.action]
    return render_template(
        "matching/link_confirm.html",
        title=question,
        button=button,
        form=form,
        details=Markup(
            render_template("matching/_summary.html", mentorship=opened.mentorship, viewer_id=opened.user_id)
        ),
    ), status


def _answer(opened: _Opened, form: ActionForm):
    """Do what the link says, in the transaction that used it up, and say what happened."""
    action, mentorship, user_id = opened.action, opened.mentorship, opened.user_id
    try:
        if action == "accept":
            services.accept(mentorship.id, user_id)
            message = f"You are now {mentorship.new_hire.name}'s mentor. Thank you!"
        elif action == "decline":
            note = form.note.data if isinstance(form, DeclineForm) else ""
            services.decline(mentorship.id, user_id, note or "")
            message = "Declined. We will ask the next best mentor."
        else:
            services.answer_fit_check(mentorship.id, user_id, action == "fit-yes")
            message = "Thank you for answering."
    except services.MatchingError as exc:
        return render_template("links/done.html", title="That did not work", message=str(exc)), 409
    if action == "fit-no" and mentorship.state == MentorshipState.ACTIVE:
        page = _page_of(mentorship, user_id)
        return render_template(
            "links/done.html",
            title="Thank you",
            message=message + (" If it does not get better, you can ask for a new match."),
            next_url=url_for(page),
            next_label="Ask for a new match",
        )
    return render_template("links/done.html", title="Done", message=message)


def _form(opened: _Opened) -> ActionForm | DeclineForm:
    """Declining from the mail asks for the same optional note as the mentoring page."""
    return DeclineForm() if opened.action == "decline" else ActionForm()


EMAIL_ACTION_LINK = LinkKind(read=_read, load=_load, form=_form, confirm=_ask, act=_answer)


@bp.route("/mentorships/email/<action>/<token>", methods=["GET", "POST"])
def email_action(action: str, token: str):
    """A one-click link from a mail: GET asks to confirm, POST acts, once."""
    return open_link(EMAIL_ACTION_LINK, token, action=action)
