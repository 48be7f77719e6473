"""Forms a person fills in about themselves."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.people.models import SkillKind

LEVEL_CHOICES = [SelectChoice(str(n), f"{n}/5") for n in range(1, 6)]


def timezone_choices() -> list[SelectChoice]:
    """The IANA time zones, sorted, for a select box."""
    return [SelectChoice(name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


class ProfileForm(FlaskForm):
    timezone = SelectField("Time zone", validators=[DataRequired()], validate_choice=False)
    work_start = TimeField("Working day starts", validators=[InputRequired()])
    work_end = TimeField("Working day ends", validators=[InputRequired()])
    away_from = DateField("Away from", validators=[Optional()])
    away_until = DateField("Away until", validators=[Optional()])
    max_mentees = IntegerField("Most mentees at once", validators=[Optional(), NumberRange(0, 50)])
    max_open_questions = IntegerField("Most open questions at once",
                                      validators=[Optional(), NumberRange(0, 50)])
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class AddSkillForm(FlaskForm):
    skill = StringField("Skill", validators=[DataRequired(), Length(max=80)])
    kind = SelectField("I", choices=[SelectChoice(SkillKind.TEACH.value, "can teach it"),
                                     SelectChoice(SkillKind.LEARN.value, "want to learn it")])
    level = SelectField("My level", choices=LEVEL_CHOICES, default="1")
    submit = SubmitField("Add skill")


class ApiTokenForm(FlaskForm):
    name = StringField("What is it for?", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Create token")
