"""JSON API for people, teams and skills: any valid token may read, admins write.

Every answer's shape is declared by a schema, so the OpenAPI document at
/api/v1/openapi.json is built from this module.
"""

from functools import wraps

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import orm

from app.api import BODY_ERRORS, COMMON_ERRORS, api_person, api_user, error_docs, paginated, require_role
from app.extensions import db
from app.people.invitations import invite
from app.people.models import Role, Skill, Team, User, UserRole
from app.people.personal_data import export_person
from app.people.schemas import (
    PeopleQuerySchema,
    PersonalDataSchema,
    PersonChangesSchema,
    PersonInSchema,
    PersonSchema,
    ProfileChangesSchema,
    SkillChangesSchema,
    SkillInSchema,
    SkillSchema,
    TeamChangesSchema,
    TeamDetailSchema,
    TeamInSchema,
    TeamSchema,
)
from app.people.services import (
    PersonDetails,
    ProfileChanges,
    create_person,
    details_of,
    save_team,
    set_active,
    update_person,
    update_profile,
)
from app.people.skills import save_skill

blp = Blueprint("people_api", __name__, description="People, teams and skills")

ERRORS = {
    **COMMON_ERRORS,
    403: "Only admins may do this.",
    404: "Nothing has this id.",
    422: "Some fields are not valid; `fields` says which and why. Nothing was saved.",
}
INVALID_PERSON = ERRORS[422] + " An email address someone else already uses is reported on `email`."
INVALID_CHANGE = (
    INVALID_PERSON + " Taking away your own admin role is refused on `roles`, deactivating yourself on `active`."
)


def errors(*statuses: int, invalid: str | None = None):
    """Document the JSON error answers of an operation: 401, the given ones, and any other."""
    described = {**ERRORS, 422: invalid or ERRORS[422]}
    return error_docs(blp, described, statuses)


def admin_only(view):
    """Answer 403 unless the caller is an admin, before the request body is read."""

    @wraps(view)
    def checked(*args, **kwargs):
        require_role(Role.ADMIN)
        return view(*args, **kwargs)

    return checked


# People


def people_matching(team_id: int | None = None, role: Role | None = None, q: str | None = None):
    """Return the query for people, by name, narrowed by team, role and text."""
    query = sa.select(User).options(orm.selectinload(User.team)).order_by(User.name, User.id)
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    if role is not None:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if q and q.strip():
        text = q.strip()
        query = query.where(
            sa.or_(User.name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True))
        )
    return query


@blp.route("/people")
class People(MethodView):
    @blp.arguments(PeopleQuerySchema, location="query")
    @blp.response(200, PersonSchema(many=True))
    @blp.paginate()
    @errors(422)
    def get(self, filters, pagination_parameters):
        """List people by name

        Filter by team, role, or text in the name or email address. The `X-Pagination`
        header says how many there are.
        """
        return paginated(people_matching(**filters), pagination_parameters)

    @admin_only
    @blp.arguments(PersonInSchema)
    @blp.response(201, PersonSchema)
    @errors(403, *BODY_ERRORS, invalid=INVALID_PERSON)
    def post(self, fields):
        """Add a person

        Only `email` and `name` are required. `away_from` and `away_until` set days away.
        With `"invite": true` the person gets an invitation mail with a link to set their
        password (or to sign in with single sign-on, where that is on).
        """
        roles = frozenset(fields.pop("roles", [Role.NEW_HIRE]))
        send_invitation = fields.pop("invite", False)
        person = create_person(PersonDetails(**fields, roles=roles))
        if send_invitation:
            invite(person.id, api_user().id)
        return person


@blp.route("/people/me")
class Me(MethodView):
    @blp.response(200, PersonSchema)
    @errors()
    def get(self):
        """Show the person the token belongs to"""
        return api_person()

    @blp.arguments(ProfileChangesSchema)
    @blp.response(200, PersonSchema)
    @errors(*BODY_ERRORS)
    def patch(self, changes):
        """Change your own time zone, working hours and days, public holidays or days away

        Only the fields sent change; send `null` for `away_from` and `away_until` when you
        are back. Questions for you wait on your days off and your country's (or region's)
        public holidays.
        """
        user = api_person()
        current = dict(
            timezone=user.timezone,
            work_start=user.work_start,
            work_end=user.work_end,
            away_from=user.away_from,
            away_until=user.away_until,
        )
        return update_profile(user.id, ProfileChanges(**{**current, **changes}))


@blp.route("/people/<int:person_id>")
class Person(MethodView):
    @blp.response(200, PersonSchema)
    @errors(404)
    def get(self, person_id):
        """Show a person"""
        return db.get_or_404(User, person_id)

    @admin_only
    @blp.arguments(PersonChangesSchema(partial=True))
    @blp.response(200, PersonSchema)
    @errors(403, 404, *BODY_ERRORS, invalid=INVALID_CHANGE)
    def patch(self, changes, person_id):
        """Change a person

        Only the fields sent change; `roles` replaces the person's roles, and you cannot
        take away your own admin role. Send `null` for `away_from` and `away_until` when
        the person is back. `active: false` deactivates a leaver, as the admin's page does
        (you cannot deactivate yourself); `active: true` brings them back.
        """
        person = db.get_or_404(User, person_id)
        active = changes.pop("active", None)
        acting_user_id = api_user().id
        if changes:
            details = {**details_of(person), **changes}
            details["roles"] = frozenset(details["roles"])
            person = update_person(person_id, PersonDetails(**details), acting_user_id=acting_user_id)
        if active is not None:
            person = set_active(person_id, active, acting_user_id=acting_user_id)
        return person


@blp.route("/people/<int:person_id>/export")
class PersonExport(MethodView):
    @admin_only
    @blp.response(200, PersonalDataSchema)
    @errors(403, 404)
    def get(self, person_id):
        """Export everything Unstuck holds about a person

        Admins only: one document with, section by section, every row that names the
        person (secrets left out), as a person may ask for under data-protection law. Each
        export is recorded on the person's admin page and logged.
        """
        person = db.get_or_404(User, person_id)
        document = export_person(person.id, by_id=api_user().id, via="api")
        return document


# Teams


@blp.route("/teams")
class Teams(MethodView):
    @blp.response(200, TeamSchema(many=True))
    @errors()
    def get(self):
        """List teams by name"""
        return db.session.scalars(sa.select(Team).order_by(Team.name)).all()

    @admin_only
    @blp.arguments(TeamInSchema)
    @blp.response(201, TeamDetailSchema)
    @errors(403, *BODY_ERRORS)
    def post(self, fields):
        """Add a team"""
        return save_team(fields["name"], fields.get("lead_id"))


@blp.route("/teams/<int:team_id>")
class TeamById(MethodView):
    @blp.response(200, TeamDetailSchema)
    @errors(404)
    def get(self, team_id):
        """Show a team and its members"""
        return db.get_or_404(Team, team_id)

    @admin_only
    @blp.arguments(TeamChangesSchema(partial=True))
    @blp.response(200, TeamDetailSchema)
    @errors(403, 404, *BODY_ERRORS)
    def patch(self, changes, team_id):
        """Rename a team or change its lead

        Only the fields sent change; the new lead gets the lead role.
        """
        team = db.get_or_404(Team, team_id)
        return save_team(changes.get("name", team.name), changes.get("lead_id", team.lead_id), team_id=team.id)


# Skills


@blp.route("/skills")
class Skills(MethodView):
    @blp.response(200, SkillSchema(many=True))
    @errors()
    def get(self):
        """List the skill catalogue by name"""
        return db.session.scalars(sa.select(Skill).order_by(Skill.name)).all()

    @admin_only
    @blp.arguments(SkillInSchema)
    @blp.response(201, SkillSchema)
    @errors(403, *BODY_ERRORS)
    def post(self, fields):
        """Add a skill"""
        return save_skill(fields["name"], fields.get("category", ""), fields.get("aliases", []))


@blp.route("/skills/<int:skill_id>")
class SkillById(MethodView):
    @blp.response(200, SkillSchema)
    @errors(404)
    def get(self, skill_id):
        """Show a skill"""
        return db.get_or_404(Skill, skill_id)

    @admin_only
    @blp.arguments(SkillChangesSchema(partial=True))
    @blp.response(200, SkillSchema)
    @errors(403, 404, *BODY_ERRORS)
    def patch(self, changes, skill_id):
        """Rename a skill, or change its category or aliases

        Only the fields sent change; `aliases` replaces the list.
        """
        skill = db.get_or_404(Skill, skill_id)
        return save_skill(
            changes.get("name", skill.name),
            changes.get("category", skill.category),
            changes.get("aliases", skill.alias_names),
            skill_id=skill.id,
        )
