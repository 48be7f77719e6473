"""The home page and a person's own profile: time zone, hours, availability, skills, tokens,
their password, where they are signed in, and mail to them that is paused because it bounced."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import ChangePasswordForm
from app.auth.models import ApiToken
from app.auth.passwords import change_own_password
from app.auth.sessions import live_sign_ins
from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.forms import show_errors
from app.mail.outgoing.bounces import mail_pause, resume_mail
from app.people import bp
from app.people.forms import AddSkillForm, ApiTokenForm, ProfileForm
from app.people.home import panels_for
from app.people.models import Role, SkillKind
from app.people.profile_parts import profile_parts
from app.people.services import ProfileChanges, update_profile
from app.people.skills import all_skills, remove_person_skill, set_person_skill
from app.sso.settings import password_allowed


@bp.route("/")
@login_required
def home():
    """Show the signed-in person where they stand."""
    return render_template(
        "people/home.html", mail_pause=mail_pause(current_user.email), role_panels=panels_for(current_user)
    )


def _profile_page(profile_form=None, skill_form=None, token_form=None, new_token=None, password_form=None, status=200):
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at)
    ).all()
    return render_template(
        "people/profile.html",
        profile_form=profile_form or ProfileForm(obj=current_user),
        skill_form=skill_form or AddSkillForm(),
        token_form=token_form or ApiTokenForm(),
        teach=[s for s in current_user.skills if s.kind == SkillKind.TEACH],
        learn=[s for s in current_user.skills if s.kind == SkillKind.LEARN],
        skills=all_skills(),
        tokens=tokens,
        new_token=new_token,
        is_mentor=current_user.has_role(Role.MENTOR),
        mail_pause=mail_pause(current_user.email),
        sign_ins=live_sign_ins(current_user.id),
        password_form=password_form or ChangePasswordForm(),
        password_allowed=password_allowed(current_user),
        profile_parts=profile_parts(),
    ), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Show and save a person's own time zone, working hours and days, public holidays,
    availability and limits."""
    form = ProfileForm(obj=current_user)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                update_profile(
                    current_user.id,
                    ProfileChanges(
                        timezone=form.timezone.data,
                        work_start=form.work_start.data,
                        work_end=form.work_end.data,
                        away_from=form.away_from.data,
                        away_until=form.away_until.data,
                        max_mentees=form.max_mentees.data,
                        max_open_questions=form.max_open_questions.data,
                        # Only from the form that shows them: an older page or a script sending the rest keeps them.
                        work_days=form.work_days.data if "work_days_shown" in request.form else None,
                        holiday_country=form.holiday_country.data if "holiday_country" in request.form else None,
                        holiday_region=form.holiday_region.data if "holiday_region" in request.form else None,
                    ),
                )
            except InvalidInput as exc:
                show_errors(form, exc)
            else:
                flash("Your profile is saved.", "success")
                return redirect(url_for("people.profile"))
        return _profile_page(profile_form=form, status=400)
    return _profile_page(profile_form=form)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """Change one's own password: the current one first (if there is one), the new one twice.
    Every other browser signed in to the account is signed out; this one stays."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(
                current_user.id,
                form.current_password.data,
                form.new_password.data,
                keep_sign_in_id=current_user.sign_in.session_id if current_user.sign_in else None,
            )
        except InvalidInput as exc:
            show_errors(form, exc)
        else:
            flash("Your password is changed; every other browser signed in to your account is signed out.", "success")
            return redirect(url_for("people.profile") + "#password")
    return _profile_page(password_form=form, status=400)


@bp.route("/profile/email-again", methods=["POST"])
@login_required
def email_me_again():
    """Send mail to the person's own address again, though it bounced: their mailbox works again."""
    was_paused = resume_mail(current_user.email) is not None
    if was_paused:
        flash(f"Unstuck emails you at {current_user.email} again.", "success")
    else:
        flash(f"Unstuck already emails you at {current_user.email}.", "info")
    return redirect(url_for("people.profile"))


@bp.route("/profile/skills", methods=["POST"])
@login_required
def add_skill():
    """Add a skill to the person's profile, or change its level."""
    form = AddSkillForm()
    if form.validate_on_submit():
        try:
            row = set_person_skill(current_user.id, form.skill.data, form.kind.data, form.level.data)
        except InvalidInput as exc:
            show_errors(form, exc)
        else:
            flash(f"{row.skill.name} is on your profile at {row.level}/5.", "success")
            return redirect(url_for("people.profile") + "#skills")
    return _profile_page(skill_form=form, status=400)


@bp.route("/profile/skills/<int:skill_id>/<kind>/remove", methods=["POST"])
@login_required
def remove_skill(skill_id: int, kind: str):
    """Take a skill off the person's profile."""
    if kind not in {k.value for k in SkillKind}:
        abort(404)
    remove_person_skill(current_user.id, skill_id, kind)
    flash("The skill is off your profile.", "info")
    return redirect(url_for("people.profile") + "#skills")


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    """Create a personal API token and show its secret once."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _profile_page(token_form=form, status=400)
    _, secret = ApiToken.issue(current_user, form.name.data)
    return _profile_page(new_token=secret)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of the person's own API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    token.revoked_at = token.revoked_at or utcnow()
    flash("The token is revoked; it no longer works.", "info")
    return redirect(url_for("people.profile") + "#tokens")
