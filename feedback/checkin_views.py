"""Check-in pages: the person's open check-ins, the form a mail's score link opens, and the
admins' list of flagged mentorships."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.guards import admin_required
from app.extensions import db
from app.people.services import InvalidInput
from app.tokens import TokenError, TokenUsed, link_problem_page, use_token
from feedback import bp, checkins, links
from feedback.errors import Closed, NotFound
from feedback.forms import CheckinForm, ClearFlagForm, as_int
from feedback.pages import hidden_problems, open_mail_link, show_errors


def _checkins_page(forms: dict[int, CheckinForm] | None = None, status: int = 200):
    mine = checkins.open_checkins(current_user.id)
    forms = forms or {}
    for checkin in mine:
        forms.setdefault(
            checkin.id,
            CheckinForm(
                prefix=f"c{checkin.id}",
                formdata=None,
                data={"score": str(checkin.score) if checkin.score else None, "change": checkin.change},
            ),
        )
    return render_template("feedback/checkins.html", checkins=mine, forms=forms), status


@bp.route("/checkins", endpoint="checkins")
@login_required
def checkins_page():
    """The person's latest check-in of each active mentorship, to answer or change."""
    return _checkins_page()


@bp.route("/checkins/<int:checkin_id>", methods=["POST"])
@login_required
def answer_checkin(checkin_id: int):
    """Answer (or change the answer to) one of the person's check-ins."""
    try:
        checkins.own_checkin(checkin_id, current_user.id)
    except NotFound:
        abort(404)
    form = CheckinForm(prefix=f"c{checkin_id}")
    if form.validate_on_submit():
        try:
            checkins.answer_checkin(
                checkin_id, current_user.id, as_int(form.score.data), form.change.data or "", via="web"
            )
        except InvalidInput as exc:
            show_errors(form, exc)
        except Closed as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("feedback.checkins"))
        else:
            flash("Thank you. Your check-in is saved.", "success")
            return redirect(url_for("feedback.checkins"))
    return _checkins_page({checkin_id: form}, 400)


@bp.route("/checkins/email/<token>", methods=["GET", "POST"], endpoint="checkin_from_mail")
def checkin_from_mail(token: str):
    """The check-in a mail's score link opens, with that score chosen; no sign-in needed,
    the link names the person. Sending it uses the link up."""
    try:
        link, person, checkin = open_mail_link(links.CHECKIN, token, checkins.own_checkin)
    except TokenError as error:
        return link_problem_page(error)
    form = CheckinForm()
    if request.method == "GET":
        form.score.data = request.args.get("score") if as_int(request.args.get("score")) else None
        form.change.data = checkin.change
        status = 200
    elif form.validate_on_submit():
        try:
            use_token(link)
            checkins.answer_checkin(checkin.id, person.id, as_int(form.score.data), form.change.data or "", via="email")
        except TokenUsed as error:
            return link_problem_page(error)
        except InvalidInput as exc:
            show_errors(form, exc)
            status = 400
        except Closed as exc:
            return render_template("links/done.html", title="Nothing was changed", message=str(exc)), 409
        else:
            return render_template(
                "links/done.html",
                title="Thank you",
                message="Your check-in is saved. You can change it in Unstuck until the next one.",
                next_url=url_for("feedback.checkins"),
                next_label="Open your check-ins",
            )
    else:
        status = 400
    return render_template(
        "feedback/checkin_mail.html", form=form, checkin=checkin, problems=hidden_problems(form)
    ), status


# Flags, for the admins


@bp.route("/flags")
@admin_required
def flags():
    """Mentorships a side said were not useful twice in a row, for an admin to look at."""
    return render_template("feedback/flags.html", flags=checkins.open_flags(), form=ClearFlagForm())


@bp.route("/flags/<int:flag_id>/clear", methods=["POST"])
@admin_required
def clear_flag(flag_id: int):
    """An admin has looked at a flagged mentorship."""
    if not ClearFlagForm().validate_on_submit():
        abort(400)
    try:
        checkins.clear_flag(flag_id, current_user.id)
    except NotFound:
        abort(404)
    flash("Marked as looked at.", "success")
    return redirect(url_for("feedback.flags"))
