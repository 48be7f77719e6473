"""Forms a person fills in about themselves."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.people.models import SkillKind
from app.times import DEFAULT_LOCALE, weekday_names

WEEKDAY_CHOICES = [SelectChoice(str(n), name) for n, name in enumerate(weekday_names(locale=DEFAULT_LOCALE))]
LEVEL_CHOICES = [SelectChoice(str(n), f"{n}/5") for n in range(1, 6)]


class ProfileForm(FlaskForm):
    timezone = StringField("Time zone", validators=[DataRequired(), Length(max=64)])
    work_start = TimeField("Working day starts", validators=[InputRequired()])
    work_end = TimeField("Working day ends", validators=[InputRequired()])
    work_days = SelectMultipleField(
        "Working days",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    holiday_country = StringField(
        "Public holidays of (country code)", validators=[Optional(), Length(max=3)], render_kw={"placeholder": "DE"}
    )
    holiday_region = StringField(
        "Region (optional)", validators=[Optional(), Length(max=10)], render_kw={"placeholder": "BY"}
    )
    away_from = DateField("Away from", validators=[Optional()])
    away_until = DateField("Away until", validators=[Optional()])
    max_mentees = IntegerField("Most mentees at once", validators=[Optional(), NumberRange(0, 50)])
    max_open_questions = IntegerField("Most open questions at once", validators=[Optional(), NumberRange(0, 50)])
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted() and kwargs.get("obj") is not None:
            self.work_days.data = sorted(int(d) for d in kwargs["obj"].work_days.split(",") if d.isdigit())


class AddSkillForm(FlaskForm):
    skill = StringField("Skill", validators=[DataRequired(), Length(max=80)])
    kind = SelectField(
        "I",
        choices=[
            SelectChoice(SkillKind.TEACH.value, "can teach it"),
            SelectChoice(SkillKind.LEARN.value, "want to learn it"),
        ],
    )
    level = SelectField("My level", choices=LEVEL_CHOICES, default="1")
    submit = SubmitField("Add skill")


class ApiTokenForm(FlaskForm):
    name = StringField("What is it for?", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Create token")
