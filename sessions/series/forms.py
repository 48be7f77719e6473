"""Forms of the series pages: the series a lead sets, one week moved, and the small forms
behind each button (skip, restore, guests, names, cancel), each with its CSRF token.

The forms check only that each value can be read (a time, a date, a number); whether the
values make a series (a known time zone, an end after the start, a sensible length) is
for `sessions.series.schedule.validate_series`, whose messages the page shows by each field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.request_keys import RequestKeyField
from app.times import DEFAULT_LOCALE, weekday_names

# The columns' sizes (sessions.models.SessionSeries).
TITLE_MAX = 120
LOCATION_MAX = 500
DESCRIPTION_MAX = 4000
TIMEZONE_MAX = 64

# Browsers send HH:MM, or HH:MM:SS when asked for seconds.
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
TIME_MESSAGE = "Give the time as hours and minutes, such as 10:00."
DATE_MESSAGE = "Give the date as year-month-day, such as 2026-12-01."
MINUTES_MESSAGE = "Give the length in whole minutes, such as 30."

PROMPT_HOURS_MAX = 7 * 24
PROMPT_MESSAGE = f"Give a whole number of hours from 1 to {PROMPT_HOURS_MAX} (a week)."
REMIND_MINUTES_MAX = 240
REMIND_MESSAGE = f"Give a whole number of minutes from 1 to {REMIND_MINUTES_MAX}."


class SeriesForm(FlaskForm):
    """The weekly slot and what people read about it. `team_id` is offered only when the
    person may choose between teams."""

    team_id = SelectField("Team", coerce=int, validate_choice=True)
    title = StringField("Title", validators=[Length(max=TITLE_MAX)], render_kw={"maxlength": TITLE_MAX})
    weekday = SelectField(
        "Weekday",
        coerce=int,
        choices=[SelectChoice(number, name) for number, name in enumerate(weekday_names(locale=DEFAULT_LOCALE))],
    )
    start_time = TimeField("Starts at", format=TIME_FORMATS, validators=[InputRequired(TIME_MESSAGE)])
    duration_minutes = IntegerField(
        "Length in minutes", validators=[InputRequired(MINUTES_MESSAGE)], render_kw={"inputmode": "numeric"}
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired("Give a time zone, such as Europe/Berlin."), Length(max=TIMEZONE_MAX)],
    )
    first_date = DateField("First date", validators=[InputRequired(DATE_MESSAGE)])
    until = DateField("Last date (optional)", validators=[Optional()])
    location = StringField(
        "Room or video link", validators=[Length(max=LOCATION_MAX)], render_kw={"maxlength": LOCATION_MAX}
    )
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)], render_kw={"rows": 4})
    request_key = RequestKeyField()  # a double click sets up one series
    submit = SubmitField("Save series")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # WTForms' own messages say "Not a valid ... value"; people need the format.
        for name, message in (
            ("start_time", TIME_MESSAGE),
            ("first_date", DATE_MESSAGE),
            ("until", DATE_MESSAGE),
            ("duration_minutes", MINUTES_MESSAGE),
        ):
            _read_format(getattr(self, name), message)


class MoveForm(FlaskForm):
    """One week held at another date and time, and optionally for another length."""

    date = DateField("New date", validators=[InputRequired(DATE_MESSAGE)])
    time = TimeField("New start time", format=TIME_FORMATS, validators=[InputRequired(TIME_MESSAGE)])
    duration_minutes = IntegerField(
        "Length in minutes (optional)", validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
    submit = SubmitField("Move this week")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in (("date", DATE_MESSAGE), ("time", TIME_MESSAGE), ("duration_minutes", MINUTES_MESSAGE)):
            _read_format(getattr(self, name), message)


class ActionForm(FlaskForm):
    """A bare form: one button and its CSRF token (skip, restore, remove a guest)."""

    submit = SubmitField("Confirm")


class GuestForm(FlaskForm):
    """Invite someone outside the team, by the email address they have in Unstuck."""

    email = StringField("Guest's email", validators=[DataRequired("Give the guest's email address."), Length(max=254)])
    submit = SubmitField("Invite guest")


class NamesForm(FlaskForm):
    """Whether learnings show who wrote them, how long before each session people are asked
    for them, and how long before it they are reminded (left out: as it was)."""

    shown = SelectField(
        "Learnings are", choices=[SelectChoice("0", "anonymous"), SelectChoice("1", "shown with names")]
    )
    prompt_hours = IntegerField(
        "Ask for learnings (hours before the session)",
        validators=[InputRequired(PROMPT_MESSAGE), NumberRange(1, PROMPT_HOURS_MAX, PROMPT_MESSAGE)],
        render_kw={"min": 1, "max": PROMPT_HOURS_MAX, "inputmode": "numeric"},
    )
    remind_minutes = IntegerField(
        "Remind everyone (minutes before the session)",
        validators=[Optional(), NumberRange(1, REMIND_MINUTES_MAX, REMIND_MESSAGE)],
        render_kw={"min": 1, "max": REMIND_MINUTES_MAX, "inputmode": "numeric"},
    )
    submit = SubmitField("Save")


class CancelForm(FlaskForm):
    """Ending the series for everyone, confirmed by a tick."""

    confirm = BooleanField(
        "Yes, cancel every coming session for everyone",
        validators=[DataRequired("Tick the box to confirm; the series stays as it is.")],
    )
    submit = SubmitField("Cancel series")


def _read_format(field, message: str) -> None:
    """Make the field say `message` when what was typed cannot be read."""
    if field.process_errors:
        field.process_errors = [message]
