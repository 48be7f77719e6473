"""The retro's forms: the buttons that drive the session, grouping, action items, closing
and marking an action item done, each with its CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.request_keys import RequestKeyField
from sessions.retro import rules as retro


def _optional_int(value):
    return None if value in (None, "", "None") else int(value)


class ButtonForm(FlaskForm):
    """One button and its CSRF token."""

    submit = SubmitField("Start session")


class StartForm(FlaskForm):
    early = HiddenField()  # the session's day, when the lead starts it before that day anyway
    submit = SubmitField("Start session")


class TapForm(FlaskForm):
    """One tap on an item's + or −."""

    item = IntegerField(validators=[InputRequired()])
    delta = IntegerField(validators=[InputRequired()])


class PhaseForm(FlaskForm):
    seen = HiddenField()  # the phase the lead was looking at: a double click moves one step
    to = HiddenField()


class GroupForm(FlaskForm):
    item = IntegerField(validators=[InputRequired()])
    into = IntegerField(validators=[Optional()])


class ActionItemForm(FlaskForm):
    text = TextAreaField("What will be done?", render_kw={"maxlength": retro.ACTION_TEXT_MAX, "rows": 2})
    item = SelectField("About", coerce=_optional_int, validate_choice=False)
    owner = SelectField("Owner", coerce=_optional_int, validate_choice=False)
    due = DateField("Due", validators=[Optional()])
    request_key = RequestKeyField()  # a double click records it once
    submit = SubmitField("Add action item")


class CloseForm(FlaskForm):
    attended = SelectMultipleField(
        "Who was there?",
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField("Close and send summary")


class DoneForm(FlaskForm):
    week = HiddenField()  # the session it is marked done at (a date); empty from the history
    submit = SubmitField("Done")
