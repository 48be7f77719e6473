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

import sqlalchemy as sa

from app.extensions import db
from app.notices.channels import tell, tell_team
from app.notices.core import Button, Card, Notice
from app.times import describe_when
from app.urls import external_url
from sessions.models import SessionSeries, SessionWeek
from sessions.series.schedule import Occurrence, email_problem, occurrences
from sessions.series.stored import as_series, find_week_row, week_row

log = logging.getLogger(__name__)


def send_due_reminders(now: datetime) -> int:
    """Remind each invitee of every session that starts within its series' reminder time
    and has not started; return how many people were told. Safe to run twice: each week is
    reminded once. Commits each series on its own, its row locked while its weeks are told."""
    told = 0
    live = db.session.scalars(
        sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None)).order_by(SessionSeries.id)
    ).all()
    for series_id in live:
        row = db.session.scalar(sa.select(SessionSeries).where(SessionSeries.id == series_id).with_for_update())
        if row is None or row.cancelled_at is not None:
            db.session.rollback()
            continue
        for session in occurrences(as_series(row), now, now + timedelta(minutes=row.remind_minutes)):
            week = find_week_row(row, session.day)
            if week is not None and (week.reminded_at or week.skipped or week.started_at or week.closed_at):
                continue
            week = week_row(row, session.day)
            told += _remind_week(row, week, session)
            week.reminded_at = now
        db.session.commit()
    return told


def _remind_week(row: SessionSeries, week: SessionWeek, session: Occurrence) -> int:
    told = 0
    page = external_url("sessions.week_page", series_id=row.id, day=week.day.isoformat())
    for member in sorted(row.members, key=lambda m: m.user_id):
        person = member.user
        if member.left_at is not None or not person.active or email_problem(person.email):
            continue
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
