"""Forms of the feedback pages. The services check the values and name what is wrong, so the
fields here accept what they are sent and leave the judging to them."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.checkins import CHANGE_MAX
from feedback.models import HELPED, TimeTaken
from feedback.tasks import HELPED_NOTE_MAX, MISSING_MAX, TITLE_MAX

TASK_RATINGS = [
    SelectChoice("1", "1 · Badly"),
    SelectChoice("2", "2"),
    SelectChoice("3", "3 · OK"),
    SelectChoice("4", "4"),
    SelectChoice("5", "5 · Very well"),
]
USEFUL = [
    SelectChoice("1", "1 · Not at all"),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", "5 · Very"),
]
CLARITY = [
    SelectChoice("1", "1 · Hard to follow"),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", "5 · Very clear"),
]


def as_int(value) -> int | None:
    """A radio button's value as a number, or None for anything else (the service says why)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 4 else None


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TaskForm(FlaskForm):
    """How a finished task went: under a minute to fill in."""

    title = StringField("Which task?", render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    link = StringField("Link to the task (optional)", render_kw={"inputmode": "url"})
    skills = StringField("Skills it needed (optional)", render_kw={"autocomplete": "off"})
    rating = RadioField("How did it go?", choices=TASK_RATINGS, validate_choice=False)
    time_taken = RadioField(
        "How long did it take?", validate_choice=False, choices=[SelectChoice(t.value, t.label) for t in TimeTaken]
    )
    helped = CheckboxesField(
        "What helped?", validate_choice=False, choices=[SelectChoice(code, label) for code, label in HELPED.items()]
    )
    helped_note = StringField("Which one, or what else? (optional)", render_kw={"maxlength": HELPED_NOTE_MAX})
    missing = TextAreaField("What was missing? (optional)", render_kw={"rows": 3, "maxlength": MISSING_MAX})
    signed = BooleanField("Show my name with what I wrote")
    shared = BooleanField("Share with the team at the weekly session")
    request_key = HiddenField()
    submit = SubmitField("Send")


class CheckinForm(FlaskForm):
    """The two check-in questions."""

    score = RadioField("Is this mentorship useful?", choices=USEFUL, validate_choice=False)
    change = TextAreaField("Anything to change? (optional)", render_kw={"rows": 3, "maxlength": CHANGE_MAX})
    submit = SubmitField("Send")


class ClarityForm(FlaskForm):
    """A mentor's rating of how clearly a question was asked."""

    score = RadioField("How clear was the question?", choices=CLARITY, validate_choice=False)
    submit = SubmitField("Save")


class ClearFlagForm(FlaskForm):
    """An admin has looked at a flagged mentorship."""

    submit = SubmitField("Mark as looked at")
