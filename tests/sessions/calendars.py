"""Test data for calendar messages: a weekly series and its busier variants, the team it
invites, every message built from them, and readers that check each message as calendar
clients would."""

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import recurring_ical_events
import vobject
from icalendar import Calendar

from app.extensions import db
from app.people.models import Role, Team
from sessions.series.calendar import cancel_occurrence, cancel_series, feed, invite
from sessions.series.schedule import Attendee, Move, Person, Series

STAMP = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
REPLIES = Path(__file__).parent / "replies"
LEAD = Person("Lea Lead", "lea@example.com")
MEMBERS = (Attendee("Ana Álvarez", "ana@example.com"), Attendee("Bo Berg", "bo@example.com"))
RICH_TITLE = "Rétrospective hebdomadaire 🎉 — qu'avons-nous appris ? Ça, c'est la question 🤔✨"


def series(**fields) -> Series:
    base = dict(
        uid="retro-42@unstuck.test",
        title="What did we learn?",
        weekday=1,
        start_time=time(10),
        duration_minutes=60,
        timezone="Europe/Berlin",
        first_date=date(2026, 3, 3),
        organizer=LEAD,
        attendees=MEMBERS,
        location="https://meet.example.com/retro",
        description="Bring one thing you learned.\nAnd one thing you are stuck on.",
    )
    return Series(**{**base, **fields})


def busy_series(**fields) -> Series:
    """A series with an end, a skipped week and a moved week, in rich text."""
    return series(
        title=RICH_TITLE,
        until=date(2026, 4, 28),
        skipped=frozenset({date(2026, 3, 17)}),
        moved={date(2026, 3, 24): Move(datetime(2026, 3, 25, 14, 30), 90)},
        **fields,
    )


def payments_team(make) -> Team:
    """Save team Payments and the people `series` invites: Lea Lead (its lead, and a mentor),
    Ana and Bo."""
    team = make.team("Payments")
    team.lead = make.user(LEAD.name, LEAD.email, roles=(Role.LEAD, Role.MENTOR), team=team)
    db.session.commit()
    for member in MEMBERS:
        make.user(member.name, member.email, team=team)
    return team


def read(ics: bytes) -> Calendar:
    """The message as icalendar reads it, after checking that neither icalendar nor vobject
    finds anything wrong with it."""
    calendar = Calendar.from_ical(ics)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    assert [c.name for c in vobject.readComponents(ics.decode("utf-8"), validate=True)] == ["VCALENDAR"]
    return calendar


def read_vobject(ics: bytes):
    """vobject's reading of a message, with the time zones the message itself defines.

    vobject keeps every zone it met in a registry for the whole process, and takes pytz's
    zone for a TZID it met without a VTIMEZONE: forgotten first, so that what an earlier test
    read cannot stand in for this message's VTIMEZONE."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [t for t in registry if t != "UTC"]:
        del registry[tzid]
    return vobject.readOne(ics.decode("utf-8"))


def events(ics: bytes) -> list:
    return read(ics).walk("VEVENT")


def expand(ics: bytes, start: datetime, end: datetime) -> list:
    return sorted(recurring_ical_events.of(read(ics)).between(start, end), key=lambda e: e["DTSTART"].dt)


def attendee_emails(event) -> list[str]:
    attendees = event.get("attendee", [])
    return [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])]


def messages() -> dict[str, bytes]:
    s = busy_series()
    return {
        "invite": invite(s, [Person("Guest Gómez", "guest@example.com")], stamp=STAMP),
        "plain invite": invite(series(), stamp=STAMP),
        "cancel series": cancel_series(s, s.attendees, stamp=STAMP),
        "cancel one week": cancel_occurrence(s, date(2026, 3, 31), s.attendees, stamp=STAMP),
        "cancel a moved week": cancel_occurrence(s, date(2026, 3, 24), s.attendees, stamp=STAMP),
        "feed": feed(
            [s, series(uid="retro-7@unstuck.test", timezone="America/New_York")], "Ana's sessions ☕", stamp=STAMP
        ),
    }


MESSAGES = messages()
