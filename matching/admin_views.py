"""Admin pages of matching: every mentorship, the settings and weights, pairs never to make,
and cohort matching (preview, adjust by hand, publish)."""

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.guards import admin_required
from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.forms import show_errors
from app.people.models import Role, User, UserRole, normalize_email
from app.plurals import count
from matching import bp
from matching.cohort_runs import adjust_cohort, preview_cohort, publish_cohort
from matching.directory import SettingsChange, current_settings, update_settings
from matching.forms import ActionForm, DoNotPairForm, SettingsForm
from matching.models import CohortRun, DoNotPair, Mentorship, MentorshipState, WaitingForMentor
from matching.scoring import Weights, named_reasons
from matching.services import MatchingError

WEIGHT_FIELDS = ("skills", "role", "seniority", "overlap", "team", "load")


@bp.route("/admin/mentorships")
@admin_required
def admin_mentorships():
    """Every mentorship with its state and age, and who is still waiting for a mentor."""
    state = request.args.get("state", "")
    query = sa.select(Mentorship).order_by(Mentorship.proposed_at.desc())
    if state:
        if state not in {s.value for s in MentorshipState}:
            abort(400, "Unknown state.")
        query = query.where(Mentorship.state == state)
    page = db.paginate(query, per_page=50)
    waiting = db.session.scalars(sa.select(WaitingForMentor).order_by(WaitingForMentor.checked_at)).all()
    return render_template(
        "matching/admin_mentorships.html",
        page=page,
        state=state,
        now=utcnow(),
        states=list(MentorshipState),
        waiting=waiting,
    )


@bp.route("/admin/matching/settings", methods=["GET", "POST"])
@admin_required
def admin_settings():
    """Tune the weights and rules of matching; changes apply from the next run."""
    settings = current_settings()
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        try:
            update_settings(
                SettingsChange(
                    weights=Weights(**{name: float(getattr(form, f"weight_{name}").data) for name in WEIGHT_FIELDS}),
                    min_overlap_hours=float(form.min_overlap_hours.data),
                    team_preference=form.team_preference.data,
                    objective=form.objective.data,
                    proposal_days=form.proposal_days.data,
                    programme_days=form.programme_days.data,
                    fit_check_days=form.fit_check_days.data,
                )
            )
        except InvalidInput as exc:
            show_errors(form, exc, {"weights": "weight_skills"})
        else:
            flash("Matching settings saved. They apply from the next proposal or cohort run.", "success")
            return redirect(url_for("matching.admin_settings"))
    status = 400 if request.method == "POST" else 200
    return _settings_page(form, DoNotPairForm()), status


def _settings_page(form, pair_form):
    pairs = db.session.scalars(sa.select(DoNotPair).order_by(DoNotPair.created_at.desc())).all()
    return render_template(
        "matching/admin_settings.html", form=form, pair_form=pair_form, pairs=pairs, action_form=ActionForm()
    )


def _person(email: str, role: Role) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.email == normalize_email(email), UserRole.role == role)
    )


@bp.route("/admin/matching/do-not-pair", methods=["POST"])
@admin_required
def add_do_not_pair():
    """Record a new hire and a mentor who must never be paired."""
    form = DoNotPairForm()
    if form.validate_on_submit():
        hire = _person(form.new_hire_email.data, Role.NEW_HIRE)
        mentor = _person(form.mentor_email.data, Role.MENTOR)
        if hire is None:
            form.new_hire_email.errors.append("No new hire has that email.")
        if mentor is None:
            form.mentor_email.errors.append("No mentor has that email.")
        if hire and mentor:
            exists = db.session.scalar(
                sa.select(DoNotPair.id).where(DoNotPair.new_hire_id == hire.id, DoNotPair.mentor_id == mentor.id)
            )
            if exists is None:
                db.session.add(DoNotPair(new_hire_id=hire.id, mentor_id=mentor.id, note=form.note.data or ""))
            flash(f"{hire.name} and {mentor.name} will never be paired.", "success")
            return redirect(url_for("matching.admin_settings"))
    return _settings_page(SettingsForm(obj=current_settings()), form), 400


@bp.route("/admin/matching/do-not-pair/<int:pair_id>/remove", methods=["POST"])
@admin_required
def remove_do_not_pair(pair_id: int):
    """Allow a pair again."""
    pair = db.get_or_404(DoNotPair, pair_id)
    db.session.delete(pair)
    flash("Removed from the do-not-pair list.", "info")
    return redirect(url_for("matching.admin_settings"))


@bp.route("/admin/matching/cohorts", methods=["GET", "POST"])
@admin_required
def admin_cohorts():
    """Earlier cohort runs; POST runs a new preview."""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            run = preview_cohort(current_user.id, request.form.get("objective") or None)
        except MatchingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            return redirect(url_for("matching.admin_cohort", run_id=run.id))
    runs = db.session.scalars(sa.select(CohortRun).order_by(CohortRun.created_at.desc()).limit(20)).all()
    return render_template(
        "matching/admin_cohorts.html", runs=runs, action_form=ActionForm(), settings=current_settings()
    )


@bp.route("/admin/matching/cohorts/<int:run_id>")
@admin_required
def admin_cohort(run_id: int):
    """A cohort preview: pairs with scores and reasons, who is unmatched and why, the total."""
    run = db.get_or_404(CohortRun, run_id)
    ids = (
        {p["hire_id"] for p in run.pairs} | {p["mentor_id"] for p in run.pairs} | {u["hire_id"] for u in run.unmatched}
    )
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    mentor_emails = db.session.scalars(
        sa.select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.MENTOR)
        .order_by(User.email)
    ).all()
    return render_template(
        "matching/admin_cohort.html",
        run=run,
        people=people,
        action_form=ActionForm(),
        mentor_emails=mentor_emails,
        stale=run.created_at < utcnow() - timedelta(days=1),
        named_reasons=named_reasons,
    )


@bp.route("/admin/matching/cohorts/<int:run_id>/adjust", methods=["POST"])
@admin_required
def adjust(run_id: int):
    """Change one new hire's mentor in a preview, or leave them out."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        hire_id = int(request.form["hire_id"])
    except (KeyError, ValueError):
        abort(400, "Which new hire?")
    email = (request.form.get("mentor_email") or "").strip()
    mentor_id = None
    if email:
        mentor = _person(email, Role.MENTOR)
        if mentor is None:
            flash(f"No mentor has the email {email}.", "error")
            return redirect(url_for("matching.admin_cohort", run_id=run_id))
        mentor_id = mentor.id

    def act() -> list[str]:
        adjust_cohort(run_id, hire_id, mentor_id)
        return ["The preview is updated."]

    return _on_preview(run_id, act)


@bp.route("/admin/matching/cohorts/<int:run_id>/publish", methods=["POST"])
@admin_required
def publish(run_id: int):
    """Publish a preview: every pair becomes a proposal the mentor is asked to accept."""
    if not ActionForm().validate_on_submit():
        abort(400)

    def act() -> list[str]:
        result = publish_cohort(run_id)
        return [f"Published: {count(result.proposed, 'proposal')} sent.", *result.skipped]

    return _on_preview(run_id, act)


def _on_preview(run_id: int, act: Callable[[], list[str]]):
    """Run an action on a cohort preview and go back to it: its first message flashed as a
    success and the rest as notes, or, when matching refuses, the reason, with nothing the
    action did kept (the answer is a redirect, so the unit of work would commit)."""
    try:
        success, *notes = act()
    except LookupError:
        abort(404)
    except MatchingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(success, "success")
        for line in notes:
            flash(line, "info")
    return redirect(url_for("matching.admin_cohort", run_id=run_id))
