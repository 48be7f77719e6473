"""The reminder shortly before each weekly session (the series' `remind_minutes`, 15 by
default): each member still invited is told once, by the channels they chose for sessions,
with a link to the session's page, and the team's chat channel once.

    send_due_reminders(utcnow())    # on the sessions' beat; commits per series

Each week is reminded once (`reminded_at`), however often the beat runs; a skipped week, a
session already started and a cancelled series get none, nor do members who left or are
inactive.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from app.notices.channels import tell, tell_team
from app.notices.core import Button, Card, Notice
from app.times import describe_when
from app.urls import external_url
from sessions.models import SessionSeries, SessionWeek
from sessions.series.coming import invitees, tell_coming_weeks
from sessions.series.schedule import Occurrence

log = logging.getLogger(__name__)


def send_due_reminders(now: datetime) -> int:
    """Remind each invitee of every session that starts within its series' reminder time
    and has not started; return how many people were told. Safe to run twice: each week is
    reminded once. Commits each series on its own, its row locked while its weeks are told."""
    return tell_coming_weeks(now, lambda row: timedelta(minutes=row.remind_minutes), "reminded_at", _remind_week)


def _remind_week(row: SessionSeries, week: SessionWeek, session: Occurrence) -> int:
    told = 0
    page = external_url("sessions.week_page", series_id=row.id, day=week.day.isoformat())
    for person in invitees(row):
        when = describe_when(session.start_utc, session.end_utc, person.timezone)
        mail = dict(
            kind="session-reminder",
            subject=f"{row.title} starts in {row.remind_minutes} minutes",
            template="sessions/email/reminder",
            about=week,
            thread=f"session-week-{week.id}",
            context=dict(series=row, page=page, when=when, location=row.location),
        )
        card = reminder_card(row, page, when)
        tell(person, Notice(f"session-reminder:{week.id}:{person.id}", "sessions", card, mail, mail["thread"]))
        told += 1
    if row.team is not None:
        when = describe_when(session.start_utc, session.end_utc, row.timezone)
        tell_team(row.team, Notice(f"session-reminder:{week.id}:team", "sessions", reminder_card(row, page, when)))
    if told:
        log.info("session reminder: series=%s week=%s people=%s", row.id, week.day, told)
    return told


def reminder_card(row: SessionSeries, page: str, when: str) -> Card:
    """The reminder as a chat message: when and where the session is, and a link to it."""
    facts = (("When", when),) + ((("Where", row.location),) if row.location else ())
    return Card(
        title=f"{row.title} starts in {row.remind_minutes} minutes",
        text="Bring what you learned this week.",
        facts=facts,
        buttons=(Button("Open the session", url=page, style="primary"),),
        link=page,
    )
