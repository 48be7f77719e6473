"""Admin pages: people, teams, skills, and importing people from CSV."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import (
    ImportForm,
    MergeSkillsForm,
    PeopleFilterForm,
    PersonForm,
    SkillForm,
    TeamForm,
)
from app.auth.guards import admin_required
from app.errors import InvalidInput
from app.extensions import db
from app.forms import show_errors
from app.mail.outgoing.bounces import mail_pauses
from app.people.importer import decode_csv, import_people_csv
from app.people.invitations import invitations_of, invite
from app.people.leavers import what_leaving_does
from app.people.models import Role, Skill, SkillKind, Team, User, UserRole, UserSkill
from app.people.personal_data import requests_about
from app.people.services import (
    PersonDetails,
    create_person,
    save_team,
    set_active,
    update_person,
)
from app.people.skills import merge_skills, save_skill

PEOPLE_PER_PAGE = 25
# The services name a person by id; the forms ask for their email.
FORM_FIELDS = {"manager_id": "manager_email", "lead_id": "lead_email"}


def _show_errors(form, exc: InvalidInput) -> None:
    """Put each message on its field (or above the form); the answer is a 400, so the unit of
    work undoes the failed change."""
    show_errors(form, exc, FORM_FIELDS)


def _form_page(template: str, **context):
    """Render a form page: 400 when it comes back after a submission that did not save."""
    return render_template(template, **context), 400 if request.method == "POST" else 200


# People


@bp.route("/people")
@admin_required
def people():
    """List people, found by name or email and filtered by team and role."""
    filters = PeopleFilterForm(request.args)
    query = sa.select(User).order_by(User.name, User.email).options(selectinload(User.team), selectinload(User.manager))
    if filters.validate():
        if term := (filters.q.data or "").strip():
            query = query.where(
                sa.or_(User.name.icontains(term, autoescape=True), User.email.icontains(term, autoescape=True))
            )
        if filters.team.data is not None:
            query = query.where(User.team_id == filters.team.data)
        if filters.role.data:
            query = query.where(User.role_rows.any(UserRole.role == Role(filters.role.data)))
    page = db.paginate(query, per_page=PEOPLE_PER_PAGE, max_per_page=100)
    args = {k: v for k, v in request.args.items() if k != "page"}
    paused = mail_pauses(person.email for person in page.items)
    invitations = invitations_of(person.id for person in page.items)
    return render_template(
        "admin/people.html", page=page, filters=filters, args=args, paused=paused, invitations=invitations
    )


def _save_person(form: PersonForm, person_id: int | None = None) -> User | None:
    """Create or change a person from the form; None (form messages set) if anything is wrong."""
    details = PersonDetails(
        email=form.email.data,
        name=form.name.data,
        roles=frozenset(Role(r) for r in form.roles.data),
        team_id=form.team_id.data,
        title=form.title.data or "",
        level=form.level.data,
        timezone=form.timezone.data,
        work_start=form.work_start.data,
        work_end=form.work_end.data,
        start_date=form.start_date.data,
        manager_id=form.manager_email.person_id,
        max_mentees=form.max_mentees.data,
        max_open_questions=form.max_open_questions.data,
        away_from=form.away_from.data,
        away_until=form.away_until.data,
        password=form.password.data or None,
    )
    try:
        if person_id is None:
            return create_person(details)
        return update_person(person_id, details, acting_user_id=current_user.id)
    except InvalidInput as exc:
        _show_errors(form, exc)
        return None


@bp.route("/people/new", methods=["GET", "POST"])
@admin_required
def new_person():
    """Add a person."""
    form = PersonForm()
    if form.validate_on_submit() and (person := _save_person(form)):
        if form.invite.data:
            invite(person.id, current_user.id)
            flash(f"{person.name} is added, and an invitation is on its way to {person.email}.", "success")
        else:
            flash(f"{person.name} is added.", "success")
        return redirect(url_for("admin.people"))
    return _form_page("admin/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@admin_required
def edit_person(person_id: int):
    """Change a person's details, roles, team, manager, limits, password or absence."""
    person = db.get_or_404(User, person_id)
    form = PersonForm(obj=person, manager_email=person.manager.email if person.manager else "")
    if form.validate_on_submit() and _save_person(form, person.id):
        flash(f"{person.name}'s details are saved.", "success")
        return redirect(url_for("admin.people"))
    return _form_page("admin/person_form.html", form=form, person=person, requests=requests_about(person.id))


def _set_active(person_id: int, active: bool, done: str, category: str):
    """Let a person sign in or stop them, and say so (`done` takes their name), or say why not."""
    person = db.get_or_404(User, person_id)
    try:
        set_active(person.id, active, acting_user_id=current_user.id)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(done.format(person.name), category)
    return redirect(url_for("admin.people"))


@bp.route("/people/<int:person_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate_person(person_id: int):
    """Ask, saying what will happen, then deactivate a leaver (app.people.leavers): their
    sign-ins end, their questions move on, their mentorships end, they leave their sessions;
    what they wrote is kept."""
    if request.method == "GET":
        person = db.get_or_404(User, person_id)
        return render_template(
            "admin/deactivate_person.html",
            person=person,
            itself=person.id == current_user.id,
            consequences=what_leaving_does(person.id) if person.active else [],
        )
    return _set_active(person_id, False, "{} is deactivated.", "info")


@bp.route("/people/<int:person_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_person(person_id: int):
    """Let a deactivated person sign in again."""
    return _set_active(person_id, True, "{} is active again.", "success")


@bp.route("/people/<int:person_id>/invite", methods=["POST"])
@admin_required
def invite_person(person_id: int):
    """Send a person their invitation, or send it again: the link sent before stops working."""
    person = db.get_or_404(User, person_id)
    try:
        invited = invite(person.id, current_user.id)
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        if invited.link is None:
            flash(f"{person.name} has joined already.", "info")
        else:
            flash(f"An invitation is on its way to {person.email}; any link sent before no longer works.", "success")
    return redirect(url_for("admin.people", **request.args))


@bp.route("/people/import", methods=["GET", "POST"])
@admin_required
def import_people():
    """Import people from an uploaded CSV file: all its rows, or none and every problem of
    every row (a 400, so the unit of work keeps nothing)."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            text = decode_csv(form.file.data.read())
            report = import_people_csv(text, form.create_skills.data, form.HOW_TO_ADD_SKILLS)
        except InvalidInput as exc:
            _show_errors(form, exc)
        else:
            if form.invite.data:
                for person_id in report.created_ids:
                    invite(person_id, current_user.id)
    status = 400 if request.method == "POST" and (report is None or report.problems) else 200
    return render_template("admin/import.html", form=form, report=report), status


# Teams


@bp.route("/teams")
@admin_required
def teams():
    """List the teams with their lead and how many members they have."""
    rows = db.session.execute(
        sa.select(Team, sa.func.count(User.id))
        .outerjoin(User, User.team_id == Team.id)
        .group_by(Team.id)
        .order_by(Team.name)
        .options(selectinload(Team.lead))
    ).all()
    return render_template("admin/teams.html", rows=rows)


def _catalogue_page(form, save, kind: str, **context):
    """Show a team or skill form; when it comes back valid, `save` it and go back to the
    list of its `kind` ("team" or "skill"), or show the service's messages by the fields."""
    if form.validate_on_submit():
        try:
            saved = save()
        except InvalidInput as exc:
            _show_errors(form, exc)
        else:
            flash(f"The {kind} {saved.name} is saved.", "success")
            return redirect(url_for(f"admin.{kind}s"))
    return _form_page(f"admin/{kind}_form.html", form=form, **context)


def _team_page(team: Team | None):
    """Show the team form, and save it through save_team when it comes back."""
    form = TeamForm(obj=team, lead_email=team.lead.email if team and team.lead else "")
    return _catalogue_page(
        form,
        lambda: save_team(form.name.data, form.lead_email.person_id, team.id if team else None),
        "team",
        team=team,
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@admin_required
def new_team():
    """Create a team."""
    return _team_page(None)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@admin_required
def edit_team(team_id: int):
    """Rename a team or change its lead."""
    return _team_page(db.get_or_404(Team, team_id))


# Skills


def _skill_usage(*skill_ids: int):
    """Return (skill, teachers, learners) rows for the given skills, or for all, by name."""
    query = (
        sa.select(
            Skill,
            sa.func.count(sa.case((UserSkill.kind == SkillKind.TEACH, 1))),
            sa.func.count(sa.case((UserSkill.kind == SkillKind.LEARN, 1))),
        )
        .outerjoin(UserSkill, UserSkill.skill_id == Skill.id)
        .group_by(Skill.id)
        .order_by(Skill.name)
    )
    if skill_ids:
        query = query.where(Skill.id.in_(skill_ids))
    return db.session.execute(query).all()


@bp.route("/skills")
@admin_required
def skills():
    """List the skill catalogue with how many people teach and learn each skill."""
    return render_template("admin/skills.html", rows=_skill_usage())


def _skill_page(skill: Skill | None):
    """Show the skill form, and save it through save_skill when it comes back."""
    data = None
    if skill is not None:
        data = {"name": skill.name, "category": skill.category, "aliases": ", ".join(skill.alias_names)}
    form = SkillForm(data=data)
    return _catalogue_page(
        form,
        lambda: save_skill(form.name.data, form.category.data or "", form.alias_list(), skill.id if skill else None),
        "skill",
        skill=skill,
    )


@bp.route("/skills/new", methods=["GET", "POST"])
@admin_required
def new_skill():
    """Add a skill to the catalogue."""
    return _skill_page(None)


@bp.route("/skills/<int:skill_id>", methods=["GET", "POST"])
@admin_required
def edit_skill(skill_id: int):
    """Change a skill's name, category or aliases."""
    return _skill_page(db.get_or_404(Skill, skill_id))


@bp.route("/skills/merge", methods=["GET", "POST"])
@admin_required
def merge_skills_page():
    """Pick two skills, confirm, and fold the first into the second."""
    form = MergeSkillsForm(source_id=request.args.get("source", type=int))
    if not form.validate_on_submit():
        return _form_page("admin/merge_skills.html", form=form, usage=None)
    usage = _skill_usage(form.source_id.data, form.target_id.data)
    source = next(row for row in usage if row[0].id == form.source_id.data)[0]
    if form.confirmed.data == "yes":
        source_name = source.name
        try:
            target = merge_skills(form.source_id.data, form.target_id.data)
        except InvalidInput as exc:
            _show_errors(form, exc)
            return _form_page("admin/merge_skills.html", form=form, usage=None)
        flash(f"{source_name} is merged into {target.name}; {source_name} is now one of its aliases.", "success")
        return redirect(url_for("admin.skills"))
    form.confirmed.data = "yes"
    target = next(row for row in usage if row[0].id == form.target_id.data)[0]
    return render_template("admin/merge_skills.html", form=form, usage=usage, source=source, target=target)
