"""The forms of the Teams pages. The address is checked by the service (app/teams/services.py),
so that a refused one is answered 422 with the reason beside the field."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField


class WebhookForm(FlaskForm):
    url = StringField("Workflows webhook address")
    submit = SubmitField("Save the address")


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove the address")
