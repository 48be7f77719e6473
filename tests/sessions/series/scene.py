"""The scene the series page tests share: a team with its lead and members, the series form
as a browser sends it, and short ways to read the invites people were sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from icalendar import Calendar
from markupsafe import escape

from app.extensions import db
from app.people.models import Team, User
from sessions.models import SessionSeries
from tests.sessions.weekly import weekly_series


def coming(weekday: int, weeks_later: int = 0) -> date:
    """A date with this weekday, one to seven days from today, and some weeks later."""
    day = date.today() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7, weeks=weeks_later)


TUESDAY = coming(1)


def form(**changes) -> dict:
    values = dict(
        title="What did we learn?",
        weekday="1",
        start_time="10:00",
        duration_minutes="30",
        timezone="Europe/Berlin",
        first_date=TUESDAY.isoformat(),
        until="",
        location="https://meet.example.com/retro",
        description="Bring one thing you learned.",
    )
    return {**values, **changes}


@dataclass
class Cast:
    team: Team
    lead: User
    member: User
    other_lead: User
    other_new_hire: User
    admin: User

    def person(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


def set_up(cast: Cast, jobs=None, **changes) -> SessionSeries:
    """A series of the team, as its lead set it up; the invites sent when `jobs` is given."""
    series_id = weekly_series(cast.team.id, cast.lead.id, TUESDAY, **{"location": "Room Fjord", **changes})
    db.session.commit()
    if jobs is not None:
        jobs.run()
    return db.session.get(SessionSeries, series_id)


def fresh(series: SessionSeries) -> SessionSeries:
    db.session.expire_all()
    return db.session.get(SessionSeries, series.id)


def snapshot(series: SessionSeries) -> tuple:
    """Everything a change to the series could touch."""
    row = fresh(series)
    return (
        row.title,
        row.weekday,
        row.start_time,
        row.duration_minutes,
        row.timezone,
        row.first_date,
        row.until,
        row.location,
        row.sequence,
        row.cancelled_at,
        row.names_shown,
        sorted((w.day, w.skipped, w.moved_start, w.moved_minutes) for w in row.weeks),
        sorted((m.user_id, m.guest, m.left_at is None) for m in row.members),
    )


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def invites_to(smtp, person: User) -> list[Calendar]:
    """The calendar messages mailed to the person, oldest first."""
    found = []
    for mail in smtp.messages():
        if mail["To"].addresses[0].addr_spec == person.email:
            [part] = [p for p in mail.iter_parts() if p.get_content_type() == "text/calendar"]
            found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def sequence_and_method(calendar: Calendar) -> tuple[int, str]:
    return int(calendar.walk("VEVENT")[0]["SEQUENCE"]), str(calendar["METHOD"])


def shown(page: str, message: str) -> bool:
    """Whether the page shows the message (as HTML writes it)."""
    return str(escape(message)) in page
