"""Forms of the mentorship pages."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matching.directory import OBJECTIVES, TEAM_PREFERENCES


class ActionForm(FlaskForm):
    """A bare form: one button, a CSRF token."""

    submit = SubmitField("Confirm")


class DeclineForm(FlaskForm):
    note = TextAreaField("Anything the admins should know? (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Decline")


class EndForm(FlaskForm):
    reason = TextAreaField("Why does the mentorship end?", validators=[DataRequired(), Length(max=500)])
    worked_out = BooleanField("It worked out well", default=True)
    submit = SubmitField("End mentorship")


class FitForm(FlaskForm):
    good_fit = SelectField("Is this a good fit?", choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")])
    submit = SubmitField("Answer")


def _weight(label: str):
    return DecimalField(
        label,
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=100, message="Choose a weight from 0 to 100.")],
    )


class SettingsForm(FlaskForm):
    weight_skills = _weight("Skills they want to learn that the mentor teaches")
    weight_role = _weight("Closeness of job roles")
    weight_seniority = _weight("Seniority gap (one or two levels above is best)")
    weight_overlap = _weight("Shared working hours")
    weight_team = _weight("Team preference")
    weight_load = _weight("Mentor's current load (less is better)")
    team_preference = SelectField("Team preference", choices=[SelectChoice(k, v) for k, v in TEAM_PREFERENCES.items()])
    min_overlap_hours = DecimalField(
        "Fewest shared working hours", places=1, validators=[InputRequired(), NumberRange(min=0, max=12)]
    )
    objective = SelectField("Cohort matching aims for", choices=[SelectChoice(k, v) for k, v in OBJECTIVES.items()])
    proposal_days = IntegerField(
        "Days a mentor has to answer a proposal", validators=[InputRequired(), NumberRange(min=1, max=30)]
    )
    programme_days = IntegerField(
        "Length of a mentorship, in days", validators=[InputRequired(), NumberRange(min=7, max=730)]
    )
    fit_check_days = IntegerField(
        'Days before asking "is this a good fit?"', validators=[InputRequired(), NumberRange(min=1, max=90)]
    )
    submit = SubmitField("Save settings")


class DoNotPairForm(FlaskForm):
    new_hire_email = StringField("New hire's email", validators=[DataRequired(), Length(max=254)])
    mentor_email = StringField("Mentor's email", validators=[DataRequired(), Length(max=254)])
    note = StringField("Note (optional)", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Never pair these two")


class ChooseForm(FlaskForm):
    """Choosing a mentor by hand: who, the rules the page showed excluding them, the reason
    for overriding those, and whether to replace the new hire's proposal or mentorship."""

    mentor_id = IntegerField(validators=[InputRequired()])
    seen_rules = StringField(validators=[Optional(), Length(max=200)])
    reason = TextAreaField("Why choose them anyway?")  # matching.choosing says what it needs
    replace = BooleanField()
    submit = SubmitField("Propose")
