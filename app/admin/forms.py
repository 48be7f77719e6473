"""Forms on the admin pages."""

from datetime import time

import sqlalchemy as sa
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import (
    BooleanField,
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
from wtforms.widgets import CheckboxInput, EmailInput, ListWidget

from app.extensions import db
from app.people.forms import LEVEL_CHOICES
from app.people.models import Role, Skill, Team, User, normalize_email


def optional_id(value) -> int | None:
    """Read a select box's value as an id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def team_choices(empty: str) -> list[SelectChoice]:
    """The teams, by name, after a choice meaning none."""
    teams = db.session.scalars(sa.select(Team).order_by(Team.name))
    return [SelectChoice("", empty)] + [SelectChoice(str(t.id), t.name) for t in teams]


class PersonEmailInput(EmailInput):
    """An email box whose browser suggests active people's addresses (and names) as one types."""

    def __call__(self, field, **kwargs):
        list_id = f"{field.id}-people"
        kwargs.setdefault("list", list_id)
        kwargs.setdefault("autocomplete", "off")
        people = db.session.execute(sa.select(User.email, User.name).where(User.active).order_by(User.name, User.email))
        options = Markup("").join(
            Markup('<option value="{}">{}</option>').format(email, name) for email, name in people
        )
        return super().__call__(field, **kwargs) + Markup('<datalist id="{}">{}</datalist>').format(list_id, options)


def _strip(value):
    """Trim text typed into a box; leave anything else as it is."""
    return value.strip() if isinstance(value, str) else value


class PersonEmailField(StringField):
    """A person named by their email address; empty means nobody.

    Once the form is validated, `person_id` is the id of the person named, or None. Unlike a
    select box of everyone, it stays usable with thousands of people.
    """

    widget = PersonEmailInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [Optional(), Length(max=254), *(validators or [])], filters=[_strip], **kwargs)
        self.person_id: int | None = None

    def post_validate(self, form, validation_stopped):
        """Find the person with the address typed in, or say that there is nobody with it."""
        self.person_id = None
        if validation_stopped or self.errors or not self.data:
            return
        self.person_id = db.session.scalar(sa.select(User.id).where(User.email == normalize_email(self.data)))
        if self.person_id is None:
            raise ValidationError(f"No one in Unstuck has the email {self.data}.")


def skill_choices() -> list[SelectChoice]:
    """The skills, by name, after an empty choice."""
    skills = db.session.scalars(sa.select(Skill).order_by(Skill.name))
    return [SelectChoice("", "Choose a skill")] + [SelectChoice(str(s.id), s.name) for s in skills]


ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class PersonForm(FlaskForm):
    email = StringField("Email", validators=[InputRequired(), Length(max=254)])
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    roles = SelectMultipleField(
        "Roles",
        choices=ROLE_CHOICES,
        default=[Role.NEW_HIRE.value],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    team_id = SelectField("Team", coerce=optional_id)
    title = StringField("Title", validators=[Length(max=120)])
    level = SelectField("Level", choices=LEVEL_CHOICES, coerce=int, default=1, validate_choice=False)
    timezone = StringField("Time zone", default="UTC", validators=[Length(max=64)])
    work_start = TimeField("Working day starts", default=time(9), validators=[InputRequired()])
    work_end = TimeField("Working day ends", default=time(17), validators=[InputRequired()])
    start_date = DateField("Start date", validators=[Optional()])
    manager_email = PersonEmailField("Manager's email")
    max_mentees = IntegerField("Most mentees at once", default=2, validators=[InputRequired(), NumberRange(0, 50)])
    max_open_questions = IntegerField(
        "Most open questions at once", default=5, validators=[InputRequired(), NumberRange(0, 50)]
    )
    password = PasswordField("New password", validators=[Optional(), Length(max=200)])
    away_from = DateField("Away from", validators=[Optional()])
    away_until = DateField("Away until", validators=[Optional()])
    # Only when adding a person.
    invite = BooleanField("Send an invitation", default=False)
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id.choices = team_choices("No team")


class PeopleFilterForm(FlaskForm):
    """The search box and filters above the list of people (read from the query string)."""

    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[Optional(), Length(max=254)])
    team = SelectField("Team", coerce=optional_id, validators=[Optional()])
    role = SelectField("Role", choices=[SelectChoice("", "Any role")] + ROLE_CHOICES, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = team_choices("Any team")


class TeamForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)])
    lead_email = PersonEmailField("Team lead's email")
    submit = SubmitField("Save team")


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
    """Importing people from a CSV file; unknown skills are refused unless the box is ticked."""

    HOW_TO_ADD_SKILLS = "tick 'Create new skills' to add it"

    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")])
    create_skills = BooleanField("Create new skills")
    invite = BooleanField("Send an invitation to each person added", default=False)
    submit = SubmitField("Import")


class EraseForm(FlaskForm):
    """Erasing a person, confirmed by typing their email address or full name."""

    confirm = StringField(
        "Type their email address or full name to confirm",
        validators=[InputRequired("Type their email address or full name to confirm."), Length(max=254)],
    )
    submit = SubmitField("Erase this person")
