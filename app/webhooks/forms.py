"""The forms of the webhook pages."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.webhooks.core import EVENTS

EVENT_CHOICES = [SelectChoice(name, f"{label} ({name})") for name, label in EVENTS.items()]


def _events_field():
    return SelectMultipleField(
        "Events to send",
        choices=EVENT_CHOICES,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class EndpointForm(FlaskForm):
    url = StringField("Address (https://...)", validators=[InputRequired(), Length(max=2000)])
    events = _events_field()
    submit = SubmitField("Add the endpoint")


class EventsForm(FlaskForm):
    events = _events_field()
    submit = SubmitField("Save the events")


class AddressForm(FlaskForm):
    url = StringField("Address (https://...)", validators=[InputRequired(), Length(max=2000)])
    submit = SubmitField("Change the address")
