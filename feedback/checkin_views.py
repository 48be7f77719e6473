"""Check-in pages: the person's open check-ins, the form a mail's score link opens, and the
admins' list of flagged mentorships."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.guards import admin_required
from app.errors import InvalidInput
from app.extensions import db
from app.links import LinkKind, open_link
from app.people.models import User
from feedback import bp, checkins, links
from feedback.checkins import Closed
from feedback.forms import CheckinForm, ClearFlagForm, as_int
from feedback.models import Checkin
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
    checkins.own_checkin(checkin_id, current_user.id)  # NotFound: 404
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


def _checkin_form(opened: tuple[User, Checkin]) -> CheckinForm:
    form = CheckinForm()
    if request.method == "GET":
        form.score.data = request.args.get("score") if as_int(request.args.get("score")) else None
        form.change.data = opened[1].change
    return form


def _checkin_mail_page(opened: tuple[User, Checkin], form: CheckinForm, status: int):
    return render_template(
        "feedback/checkin_mail.html", form=form, checkin=opened[1], problems=hidden_problems(form)
    ), status


def _save_checkin_from_mail(opened: tuple[User, Checkin], form: CheckinForm):
    person, checkin = opened
    try:
        checkins.answer_checkin(checkin.id, person.id, as_int(form.score.data), form.change.data or "", via="email")
    except InvalidInput as exc:
        show_errors(form, exc)
        return _checkin_mail_page(opened, form, 400)
    except Closed as exc:
        return render_template("links/done.html", title="Nothing was changed", message=str(exc)), 409
    return render_template(
        "links/done.html",
        title="Thank you",
        message="Your check-in is saved. You can change it in Unstuck until the next one.",
        next_url=url_for("feedback.checkins"),
        next_label="Open your check-ins",
    )


CHECKIN_LINK = LinkKind(
    read=lambda token: links.read_link(links.CHECKIN, token),
    load=lambda link: open_mail_link(link, checkins.own_checkin),
    form=_checkin_form,
    confirm=_checkin_mail_page,
    act=_save_checkin_from_mail,
)


@bp.route("/checkins/email/<token>", methods=["GET", "POST"], endpoint="checkin_from_mail")
def checkin_from_mail(token: str):
    """The check-in a mail's score link opens, with that score chosen; no sign-in needed,
    the link names the person. Sending it uses the link up."""
    return open_link(CHECKIN_LINK, token)


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
    checkins.clear_flag(flag_id, current_user.id)  # NotFound: 404
    flash("Marked as looked at.", "success")
    return redirect(url_for("feedback.flags"))
