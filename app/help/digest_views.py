"""The mail settings page: how often a person hears of questions that can wait."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired, Regexp

from app.errors import InvalidInput
from app.extensions import utcnow
from app.forms import show_errors
from app.help import bp, digest_settings
from app.help.digest_schedule import describe
from app.help.models import DigestFrequency
from app.mail.outgoing.unsubscribe import opted_out
from app.times import DEFAULT_LOCALE, time_with_zone, weekday_names, zone

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FREQUENCY_HINTS = {
    "at_once": "an email for each question, when it comes",
    "hourly": "at most one email an hour",
    "daily": "one email a day, at the time below",
    "weekly": "one email a week, on the day and at the time below",
}


class DigestForm(FlaskForm):
    frequency = RadioField(
        "How often do you want to hear of questions that can wait?",
        choices=[SelectChoice(f.value, f.label) for f in DigestFrequency],
        validate_choice=False,
        validators=[
            InputRequired("Choose how often."),
            AnyOf([f.value for f in DigestFrequency], "Choose one of the frequencies shown."),
        ],
    )
    time = StringField(
        "At (your local time, HH:MM)",
        render_kw={"placeholder": "09:00", "inputmode": "numeric"},
        validators=[
            InputRequired("Enter a time as HH:MM."),
            Regexp(CLOCK, message="Enter a time of day as HH:MM, such as 09:00."),
        ],
    )
    weekday = SelectField(
        "On (weekly)",
        choices=[SelectChoice(str(n), day) for n, day in enumerate(weekday_names(locale=DEFAULT_LOCALE))],
        validate_choice=False,
        validators=[AnyOf([str(n) for n in range(7)], "Choose a day of the week.")],
    )
    submit = SubmitField("Save")


def _page(form: DigestForm, status: int = 200):
    setting = digest_settings.setting_of(current_user.id)
    due = digest_settings.next_digest_for(current_user, utcnow())
    return render_template(
        "help/mail_settings.html",
        form=form,
        hints=FREQUENCY_HINTS,
        timezone=zone(current_user.timezone).key,
        current=describe(setting.frequency, setting.minute_of_day, setting.weekday),
        next_digest=time_with_zone(due, current_user.timezone) if due else None,
        unsubscribed=opted_out(current_user.id, digest_settings.TOPIC),
    ), status


@bp.route("/help/mail-settings", methods=["GET", "POST"])
@login_required
def mail_settings():
    """Show and save how often the signed-in person gets digests of questions that can wait."""
    if request.method == "GET":
        setting = digest_settings.setting_of(current_user.id)
        form = DigestForm(
            formdata=None,
            data={
                "frequency": setting.frequency.value,
                "time": f"{setting.minute_of_day // 60:02d}:{setting.minute_of_day % 60:02d}",
                "weekday": str(setting.weekday),
            },
        )
        return _page(form)
    form = DigestForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    hours, minutes = map(int, form.time.data.split(":"))
    try:
        digest_settings.save_setting(current_user.id, form.frequency.data, hours * 60 + minutes, int(form.weekday.data))
    except InvalidInput as exc:
        show_errors(form, exc)
        return _page(form, 400)
    flash(
        "Saved. You will hear of questions that can wait "
        f"{describe(form.frequency.data, hours * 60 + minutes, int(form.weekday.data))}.",
        "success",
    )
    return redirect(url_for("help.mail_settings"))
