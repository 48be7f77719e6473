"""What the calendar answer tests share (the team's series, whose invites are in everyone's
mailbox, is conftest.py's `series_id`): the answer a person's calendar sends to their copy,
and readers of what was recorded, who was told what, and what the lead sees."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.mail.incoming.intake import receive
from app.mail.models import IncomingMail
from app.people.models import User
from sessions.models import SeriesMember, SessionWeek, WeekAnswer
from tests.sessions.replies import calendars, mails


def coming_tuesday(weeks_later: int) -> date:
    day = date.today() + timedelta(days=1)
    return day + timedelta(days=(1 - day.weekday()) % 7, weeks=weeks_later)


FIRST = coming_tuesday(1)
WEEK = FIRST + timedelta(weeks=2)  # the one week people answer for
LEAD, ANA, BO = "lea@example.com", "ana@example.com", "bo@example.com"
CLIENTS = {"outlook": mails.outlook_mail, "google": mails.google_mail, "apple": mails.apple_mail}


def person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def answer_to_copy(smtp, email: str, partstat: str, week: date | None = None, **changes) -> calendars.Answer:
    """The answer the person's calendar sends to the invite they received last: to its
    ORGANIZER address, with its UID and SEQUENCE."""
    from icalendar import Calendar

    part = [
        p
        for m in smtp.messages()
        if m["To"].addresses[0].addr_spec == email
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    ][-1]
    [event] = [e for e in Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT") if "RECURRENCE-ID" not in e]
    who = person(email)
    answer = calendars.Answer(
        uid=str(event["UID"]),
        organizer=str(event["ORGANIZER"]).removeprefix("mailto:"),
        name=who.name,
        email=who.email,
        partstat=partstat,
        sequence=int(event["SEQUENCE"]),
        first_day=FIRST,
        week=week,
    )
    return replace(answer, **changes)


def deliver(raw: bytes, jobs) -> IncomingMail:
    """The mail arrives and is read, as the receiver and its job do."""
    row = receive(raw, via="test")
    jobs.run()
    db.session.expire_all()
    return db.session.get(IncomingMail, row.id)


def member(series_id: int, email: str) -> SeriesMember:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(SeriesMember).join(User).where(SeriesMember.series_id == series_id, User.email == email)
    )


def week_answers(series_id: int) -> dict[tuple[date, str], str]:
    rows = db.session.execute(
        sa.select(SessionWeek.day, User.email, WeekAnswer.partstat)
        .join(SessionWeek, SessionWeek.id == WeekAnswer.week_id)
        .join(User, User.id == WeekAnswer.user_id)
        .where(SessionWeek.series_id == series_id)
    )
    return {(day, email): partstat for day, email, partstat in rows}


def notes_to(smtp, email: str) -> list:
    return [
        m
        for m in smtp.messages()
        if m["To"].addresses[0].addr_spec == email
        and not any(p.get_content_type() == "text/calendar" for p in m.walk())
    ]


def lead_sees(client, auth, series_id: int, email: str) -> str:
    """The row of the person in the lead's table of who answered what."""
    auth.sign_in(person(LEAD))
    page = client.get(f"/sessions/{series_id}").get_data(as_text=True)
    auth.sign_out()
    found = re.search(rf'<tr data-user="{person(email).id}">(.*?)</tr>', page, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())
