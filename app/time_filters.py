"""Times on pages: Flask-Babel's locale for the request, and the templates' date filters
(`local_time`, `date_format`, `long_date`), all written by app/times.py."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_request_context
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context

from app.extensions import babel
from app.times import MOMENT, date_format, in_zone, long_date, read_locale_from


def select_locale() -> str:
    """Flask-Babel's locale selector: Unstuck writes in its default locale for everyone."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@pass_context
def local_time(context, moment: datetime | None, pattern: str = MOMENT) -> str:
    """The template filter: the moment in the reader's zone, the email's recipient's first."""
    zone_name = context.get("recipient_zone")
    if zone_name is None and has_request_context():
        zone_name = getattr(current_user, "timezone", None)
    return in_zone(moment, zone_name, pattern)


def init_times(app: Flask) -> None:
    """Bind Flask-Babel and give templates the date filters (the only ones they have)."""
    babel.init_app(app, locale_selector=select_locale)
    read_locale_from(get_locale)
    app.add_template_filter(local_time, "local_time")  # moments in the reader's time zone
    app.add_template_filter(date_format, "date_format")  # dates and wall-clock times as they are
    app.add_template_filter(long_date, "long_date")
    app.add_template_global(long_date, "long_date")
