"""The admin's page to choose a mentor by hand for a new hire: every mentor ranked, with
their score and reasons, those a rule excludes greyed with the rule, and a choice that
overrides a rule only with a reason."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.guards import admin_required
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import User
from matching import bp
from matching.choosing import (
    LiveMentorship,
    choice,
    choose_mentor,
    what_replacing_does,
)
from matching.forms import ChooseForm
from matching.models import Mentorship
from matching.scoring import named_reasons
from matching.services import MatchingError


@bp.route("/admin/mentorships/choose/<int:person_id>", methods=["GET", "POST"])
@admin_required
def choose_mentor_page(person_id: int):
    """GET: every mentor for the new hire, ranked. POST: propose the one chosen (asking first
    when it replaces a proposal or a mentorship the new hire has)."""
    form = ChooseForm()
    if request.method == "GET":
        return _page(person_id)
    if not form.validate_on_submit():
        abort(400)
    seen = frozenset(r for r in (form.seen_rules.data or "").split(",") if r)
    try:
        mentorship = choose_mentor(
            person_id, form.mentor_id.data, current_user.id, form.reason.data or "", seen, bool(form.replace.data)
        )
    except LookupError:
        abort(404)
    except LiveMentorship as exc:
        return _confirm(person_id, form, str(exc))  # nothing changed: the admin is asked first
    except InvalidInput as exc:
        db.session.rollback()
        return _page(person_id, errors={form.mentor_id.data: exc.fields.get("reason", exc.message)}), 400
    except MatchingError as exc:  # a rule no reason overrides, or one that came meanwhile
        db.session.rollback()
        return _page(person_id, notice=str(exc)), 409
    overridden = " (overriding a rule, with your reason kept)" if mentorship.overridden_rules else ""
    flash(f"{mentorship.mentor.name} is asked by email to mentor {mentorship.new_hire.name}{overridden}.", "success")
    return redirect(url_for("matching.admin_mentorships"))


def _page(person_id: int, errors: dict | None = None, notice: str = ""):
    """The ranked list, with a reason's error on its mentor's row, or a notice above it."""
    try:
        found = choice(person_id)
    except LookupError:
        abort(404)
    history = db.session.scalars(
        sa.select(Mentorship).where(Mentorship.new_hire_id == person_id).order_by(Mentorship.proposed_at.desc())
    ).all()
    return render_template(
        "matching/admin_choose.html",
        choice=found,
        history=history,
        replacing=what_replacing_does(found.live) if found.live else "",
        errors=errors or {},
        notice=notice,
        named_reasons=named_reasons,
    )


def _confirm(person_id: int, form: ChooseForm, what_happens: str):
    """Ask before a choice withdraws the new hire's proposal or ends their mentorship."""
    db.session.rollback()
    return render_template(
        "matching/admin_choose_confirm.html",
        new_hire=db.session.get(User, person_id),
        mentor=db.session.get(User, form.mentor_id.data),
        form=form,
        what_happens=what_happens,
    )
