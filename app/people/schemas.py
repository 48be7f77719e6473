"""The JSON shapes of people, teams and skills in the API.

Input schemas only check types and sizes; the services decide what is valid.
"""

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas import Id, TimeOfDay
from app.people.models import Role, SkillKind
from app.people.seniority import SENIORITY_NAMES
from app.people.services import MOST_AT_ONCE

SENIORITY = "Seniority from 1 to 5: " + ", ".join(f"{level} {name}" for level, name in SENIORITY_NAMES.items()) + "."


def time_doc(what: str) -> dict:
    """Describe a time of day field in the OpenAPI document."""
    return {"description": f"{what}, in the person's time zone, as HH:MM or HH:MM:SS.", "example": "09:00:00"}


# People


class TeamRefSchema(ma.Schema):
    """A team, named."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PersonRefSchema(ma.Schema):
    """A person, named."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PersonSkillSchema(ma.Schema):
    """A skill a person can teach or wants to learn, at a level from 1 to 5."""

    skill_id = fields.Integer(required=True)
    name = fields.String(attribute="skill.name", required=True)
    kind = fields.Enum(SkillKind, by_value=fields.String, required=True)
    level = fields.Integer(required=True)


class PersonSchema(ma.Schema):
    """A person as the API shows them."""

    id = fields.Integer(required=True)
    email = fields.String(required=True, metadata={"format": "email"})
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    roles = fields.Method(
        "sorted_roles",
        required=True,
        metadata={"type": "array", "items": {"type": "string", "enum": [role.value for role in Role]}},
    )
    team = fields.Nested(TeamRefSchema, required=True, allow_none=True)
    title = fields.String(required=True)
    level = fields.Integer(required=True, metadata={"description": SENIORITY})
    timezone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    work_start = TimeOfDay(required=True, metadata=time_doc("Start of the working day"))
    work_end = TimeOfDay(required=True, metadata=time_doc("End of the working day"))
    start_date = fields.Date(required=True, allow_none=True)
    manager_id = fields.Integer(required=True, allow_none=True)
    max_mentees = fields.Integer(required=True)
    max_open_questions = fields.Integer(required=True)
    away_from = fields.Date(required=True, allow_none=True)
    away_until = fields.Date(required=True, allow_none=True)
    skills = fields.List(fields.Nested(PersonSkillSchema), required=True)

    def sorted_roles(self, user) -> list[str]:
        """List the person's roles in a stable order."""
        return sorted(role.value for role in user.roles)


class PeopleQuerySchema(ma.Schema):
    """Filters for the list of people."""

    team_id = Id(metadata={"description": "Only members of this team."})
    role = fields.Enum(Role, by_value=fields.String, metadata={"description": "Only people holding this role."})
    q = fields.String(
        validate=validate.Length(max=120),
        metadata={"description": "Only people whose name or email contains this text."},
    )


class PersonInSchema(ma.Schema):
    """A new person. Only `email` and `name` are required."""

    email = fields.String(
        required=True, validate=validate.Length(max=254), metadata={"format": "email", "example": "ada@example.com"}
    )
    name = fields.String(required=True, validate=validate.Length(max=120), metadata={"example": "Ada Lovelace"})
    roles = fields.List(
        fields.Enum(Role, by_value=fields.String),
        metadata={"description": "The roles the person holds; a new person is a new_hire unless this is sent."},
    )
    team_id = Id(allow_none=True)
    title = fields.String(validate=validate.Length(max=120))
    level = fields.Integer(metadata={"description": SENIORITY, "minimum": 1, "maximum": 5})
    timezone = fields.String(validate=validate.Length(max=64), metadata={"example": "Europe/Berlin"})
    work_start = TimeOfDay(metadata=time_doc("Start of the working day"))
    work_end = TimeOfDay(metadata=time_doc("End of the working day"))
    start_date = fields.Date(allow_none=True)
    manager_id = Id(allow_none=True)
    max_mentees = fields.Integer(validate=validate.Range(0, MOST_AT_ONCE))
    max_open_questions = fields.Integer(validate=validate.Range(0, MOST_AT_ONCE))
    away_from = fields.Date(
        allow_none=True, metadata={"description": "First day away; null or left out when not away."}
    )
    away_until = fields.Date(
        allow_none=True,
        metadata={"description": "Last day away, not before `away_from`; null or left out when not away."},
    )
    password = fields.String(
        load_only=True,
        validate=validate.Length(max=200),
        metadata={
            "description": "An optional password for the web app: at least PASSWORD_MIN_LENGTH (10) characters "
            "and hard to guess. Never shown."
        },
    )
    invite = fields.Boolean(
        load_only=True,
        metadata={"description": "Mail the person an invitation with a link to set their password (default false)."},
    )


class PersonChangesSchema(PersonInSchema):
    """Changes to a person: only the fields sent are changed."""

    active = fields.Boolean(
        metadata={
            "description": "false deactivates a leaver (sign-ins and tokens end, questions move on, "
            "mentorships end, sessions are left; sending it again does nothing); true lets them sign in again."
        }
    )

    class Meta:
        exclude = ("invite",)


class ProfileChangesSchema(ma.Schema):
    """Changes a person makes to their own profile: only the fields sent are changed."""

    timezone = fields.String(validate=validate.Length(max=64), metadata={"example": "Europe/Berlin"})
    work_start = TimeOfDay(metadata=time_doc("Start of the working day"))
    work_end = TimeOfDay(metadata=time_doc("End of the working day"))
    away_from = fields.Date(allow_none=True, metadata={"description": "First day away; null when not away."})
    away_until = fields.Date(allow_none=True, metadata={"description": "Last day away; null when not away."})
    work_days = fields.List(
        fields.Integer(validate=validate.Range(0, 6)),
        validate=validate.Length(min=1, max=7),
        metadata={"description": "Working days, 0 (Monday) to 6 (Sunday).", "example": [0, 1, 2, 3, 4]},
    )
    holiday_country = fields.String(
        validate=validate.Length(max=3),
        metadata={
            "description": "Whose public holidays are days off: a country code; empty for none.",
            "example": "DE",
        },
    )
    holiday_region = fields.String(
        validate=validate.Length(max=10),
        metadata={"description": "A region of that country with its own holidays; empty for none.", "example": "BY"},
    )


# Teams


class TeamSchema(ma.Schema):
    """A team."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    lead_id = fields.Integer(required=True, allow_none=True)


class TeamDetailSchema(TeamSchema):
    """A team with its members."""

    members = fields.List(fields.Nested(PersonRefSchema), required=True)


class TeamInSchema(ma.Schema):
    """A new team."""

    name = fields.String(required=True, validate=validate.Length(max=80), metadata={"example": "Payments"})
    lead_id = Id(allow_none=True, metadata={"description": "The team lead; they get the lead role."})


class TeamChangesSchema(TeamInSchema):
    """Changes to a team: only the fields sent are changed."""


# Skills


class SkillSchema(ma.Schema):
    """A skill in the catalogue."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True)
    aliases = fields.List(
        fields.String(),
        attribute="alias_names",
        required=True,
        metadata={"description": "Other names the skill is found by."},
    )


class SkillInSchema(ma.Schema):
    """A new skill."""

    name = fields.String(required=True, validate=validate.Length(max=80), metadata={"example": "PostgreSQL"})
    category = fields.String(validate=validate.Length(max=60), metadata={"example": "Databases"})
    aliases = fields.List(fields.String(validate=validate.Length(max=80)), metadata={"example": ["Postgres"]})


class SkillChangesSchema(SkillInSchema):
    """Changes to a skill: only the fields sent are changed; `aliases` replaces the list."""


# A person's data


class PersonalDataSchema(ma.Schema):
    """Everything Unstuck holds about a person, by section and table."""

    person_id = fields.Integer(required=True)
    name = fields.String(required=True)
    exported_at = fields.String(required=True, metadata={"format": "date-time"})
    sections = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.List(fields.Dict())),
        required=True,
        metadata={
            "description": (
                "By section (person, mail, help, matching, feedback, sessions), the rows of each "
                "table that name the person, every column but secrets."
            ),
            "example": {"help": {"questions": [{"id": 4, "goal": "Deploy the ledger service"}]}},
        },
    )
