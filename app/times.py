"""Moments shown in the reader's own time zone, on pages and in emails.

    {{ question.created_at|local_time }}               14 Nov 2026, 09:30
    {{ mentorship.expires_at|local_time("%A %d %B") }}  Thursday 26 November

Moments are kept in UTC. A page shows them in the signed-in person's zone; an email in its
recipient's (`send_mail` puts `recipient_zone` in the email's context).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import has_request_context
from flask_login import current_user
from jinja2 import pass_context

DEFAULT_FORMAT = "%d %b %Y, %H:%M"


def in_zone(moment: datetime | None, zone: str | None, fmt: str = DEFAULT_FORMAT) -> str:
    """Show a UTC moment in a time zone; an unknown or empty zone shows it in UTC."""
    if moment is None:
        return ""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return moment.astimezone(tz).strftime(fmt)


@pass_context
def local_time(context, moment: datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
    """The template filter: the moment in the reader's zone, the email's recipient's first."""
    zone = context.get("recipient_zone")
    if zone is None and has_request_context():
        zone = getattr(current_user, "timezone", None)
    return in_zone(moment, zone, fmt)
