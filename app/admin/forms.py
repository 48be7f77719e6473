"""Forms on the admin pages."""

from datetime import time

import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.extensions import db
from app.people.forms import LEVEL_CHOICES, timezone_choices
from app.people.models import Role, Skill, Team, User


def optional_id(value) -> int | None:
    """Read a select box's value as an id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def team_choices(empty: str) -> list[SelectChoice]:
    """The teams, by name, after a choice meaning none."""
    teams = db.session.scalars(sa.select(Team).order_by(Team.name))
    return [SelectChoice("", empty)] + [SelectChoice(str(t.id), t.name) for t in teams]


def person_choices(empty: str, leave_out: int | None = None) -> list[SelectChoice]:
    """The people, by name, after a choice meaning nobody."""
    people = db.session.execute(
        sa.select(User.id, User.name, User.email).order_by(User.name, User.email))
    return [SelectChoice("", empty)] + [
        SelectChoice(str(id_), f"{name} <{email}>") for id_, name, email in people if id_ != leave_out
    ]


def skill_choices() -> list[SelectChoice]:
    """The skills, by name, after an empty choice."""
    skills = db.session.scalars(sa.select(Skill).order_by(Skill.name))
    return [SelectChoice("", "Choose a skill")] + [SelectChoice(str(s.id), s.name) for s in skills]


ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class PersonForm(FlaskForm):
    email = StringField("Email", validators=[InputRequired(), Length(max=254)])
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    roles = SelectMultipleField("Roles", choices=ROLE_CHOICES, default=[Role.NEW_HIRE.value],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    team_id = SelectField("Team", coerce=optional_id)
    title = StringField("Title", validators=[Length(max=120)])
    level = SelectField("Level", choices=LEVEL_CHOICES, coerce=int, default=1, validate_choice=False)
    timezone = SelectField("Time zone", default="UTC", validate_choice=False)
    work_start = TimeField("Working day starts", default=time(9), validators=[InputRequired()])
    work_end = TimeField("Working day ends", default=time(17), validators=[InputRequired()])
    start_date = DateField("Start date", validators=[Optional()])
    manager_id = SelectField("Manager", coerce=optional_id)
    max_mentees = IntegerField("Most mentees at once", default=2,
                               validators=[InputRequired(), NumberRange(0, 50)])
    max_open_questions = IntegerField("Most open questions at once", default=5,
                                      validators=[InputRequired(), NumberRange(0, 50)])
    password = PasswordField("New password", validators=[Optional(), Length(max=200)])
    away_from = DateField("Away from", validators=[Optional()])
    away_until = DateField("Away until", validators=[Optional()])
    submit = SubmitField("Save")

    def __init__(self, *args, person_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id.choices = team_choices("No team")
        self.manager_id.choices = person_choices("No manager", leave_out=person_id)
        self.timezone.choices = timezone_choices()


class PeopleFilterForm(FlaskForm):
    """The search box and filters above the list of people (read from the query string)."""

    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[Optional(), Length(max=254)])
    team = SelectField("Team", coerce=optional_id, validators=[Optional()])
    role = SelectField("Role", choices=[SelectChoice("", "Any role")] + ROLE_CHOICES,
                       validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = team_choices("Any team")


class TeamForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
    lead_id = SelectField("Team lead", coerce=optional_id)
    submit = SubmitField("Save team")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_id.choices = person_choices("No lead")


class SkillForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
    category = StringField("Category", validators=[Length(max=60)])
    aliases = StringField("Aliases", validators=[Length(max=2000)])
    submit = SubmitField("Save skill")

    def alias_list(self) -> list[str]:
        """The aliases typed in, split at commas."""
        return [a for a in (self.aliases.data or "").split(",") if a.strip()]


class MergeSkillsForm(FlaskForm):
    source_id = SelectField("Merge this skill", coerce=optional_id)
    target_id = SelectField("into this one", coerce=optional_id)
    confirmed = HiddenField(default="")
    submit = SubmitField("Merge")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_id.choices = self.target_id.choices = skill_choices()

    def validate_source_id(self, field):
        if field.data is None:
            raise ValidationError("Choose the skill to merge away.")

    def validate_target_id(self, field):
        if field.data is None:
            raise ValidationError("Choose the skill to keep.")
        if field.data == self.source_id.data:
            raise ValidationError("Choose two different skills to merge.")


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")])
    submit = SubmitField("Import")
