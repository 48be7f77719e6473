"""The calendar messages of a weekly series (iCalendar, RFC 5545; iTIP, RFC 5546): the invite
and its updates, cancellations of one week or the whole series, a personal feed, and the
answers attendees send back.

Plain Python over plain values: no Flask, no database. Every message of a series carries the
series' UID and its SEQUENCE, so calendar clients apply them in order; the `icalendar`
library escapes the text people typed and folds long lines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.message import MIMEPart
from typing import NamedTuple

from icalendar import Calendar, Event, vCalAddress, vDuration

from sessions.series.schedule import (
    PARTSTATS,
    Person,
    Series,
    email_problem,
    long_date,
    occurrence,
    regular_occurrence,
    regular_start,
    validate_series,
)
from sessions.series.timezones import DAY_CODES, vtimezone

PRODID = "-//Unstuck//Weekly sessions//EN"
REFRESH = timedelta(hours=1)


class Rsvp(NamedTuple):
    """One attendee's answer from a METHOD:REPLY."""

    uid: str
    recurrence_id: datetime | date | None  # None: the answer is for the whole series
    email: str
    partstat: str
    sequence: int


def invite(series: Series, recipients: Iterable[Person] = (), *, stamp: datetime | None = None) -> bytes:
    """The REQUEST that puts the series in people's calendars, or updates it there: the weekly
    event with its skipped weeks left out, and one event for each moved week. Everyone invited
    (the series' attendees and any other recipient) is listed and asked to answer."""
    if series.cancelled:
        raise ValueError("The series is cancelled; people get its cancellation, not an invite.")
    stamp, people = _stamp(stamp), _people(series, recipients)
    events = [_master(series, stamp)] + [_moved(series, day, stamp) for day in sorted(series.moved)]
    for event in events:
        _add_people(event, series.organizer, people, rsvp=True)
    return _calendar("REQUEST", [series], events, stamp).to_ical()


def cancel_series(series: Series, recipients: Iterable[Person], *, stamp: datetime | None = None) -> bytes:
    """The CANCEL that takes the whole series out of the recipients' calendars: the series
    ends, or the recipients left it."""
    stamp = _stamp(stamp)
    event = _master(series, stamp, status="CANCELLED")
    _add_people(event, series.organizer, _people(series, recipients, everyone=False), rsvp=False)
    return _calendar("CANCEL", [series], [event], stamp).to_ical()


def cancel_occurrence(
    series: Series, day: date, recipients: Iterable[Person], *, stamp: datetime | None = None
) -> bytes:
    """The CANCEL that takes one week's session out of the recipients' calendars."""
    _check(series)
    if not series.is_session_day(day):
        raise ValueError(f"{long_date(day)} is not a session date of this series.")
    stamp, session = _stamp(stamp), occurrence(series, day)
    event = _event(series, session.start_local, session.end_local, stamp, status="CANCELLED")
    event.add("recurrence-id", regular_start(series, day))
    _add_people(event, series.organizer, _people(series, recipients, everyone=False), rsvp=False)
    return _calendar("CANCEL", [series], [event], stamp).to_ical()


def feed(series_list: Iterable[Series], calendar_name: str, *, stamp: datetime | None = None) -> bytes:
    """A person's subscription feed (PUBLISH): all their series, without attendees, for
    calendar apps to fetch again every hour. A cancelled series is marked so, and its
    sessions leave the subscribed calendar."""
    series_list, stamp, events = list(series_list), _stamp(stamp), []
    for series in series_list:
        status = "CANCELLED" if series.cancelled else "CONFIRMED"
        moved = [_moved(series, day, stamp, status) for day in sorted(series.moved)]
        for event in [_master(series, stamp, status), *moved]:
            event.add("organizer", _address(series.organizer))
            events.append(event)
    calendar = _calendar("PUBLISH", series_list, events, stamp)
    calendar.add("name", _text(calendar_name))
    calendar.add("x-wr-calname", _text(calendar_name))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar.to_ical()


def _calendar(method: str, series_list: list[Series], events: list[Event], stamp: datetime) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for zone, (first, last) in sorted(_zone_years(series_list, stamp).items()):
        calendar.add_component(vtimezone(zone, first, last))
    for event in events:
        calendar.add_component(event)
    return calendar


def _zone_years(series_list: list[Series], stamp: datetime) -> dict[str, tuple[int, int]]:
    """The years each zone's VTIMEZONE must cover: from the year before a series starts (so
    the offset in force at its start is stated) to a year after it ends, or after today."""
    years: dict[str, tuple[int, int]] = {}
    for series in series_list:
        seen = [series.first_day, series.last_day or series.first_day, stamp.date()]
        seen += [move.start.date() for move in series.moved.values()]
        first, last = min(seen).year - 1, max(seen).year + 1
        old = years.get(series.timezone, (first, last))
        years[series.timezone] = (min(first, old[0]), max(last, old[1]))
    return years


def _master(series: Series, stamp: datetime, status: str = "CONFIRMED") -> Event:
    """The weekly event: its first session, the rule, and the weeks left out."""
    _check(series)
    first = regular_occurrence(series, series.first_day)
    # DTSTART states the rule's wall-clock time, which the RRULE repeats.
    event = _event(series, regular_start(series, series.first_day), first.end_local, stamp, status)
    rule: dict[str, str | datetime] = {"freq": "weekly", "byday": DAY_CODES[series.weekday]}
    if series.last_day is not None:
        rule["until"] = regular_occurrence(series, series.last_day).start_utc
    event.add("rrule", rule)
    if series.skipped:
        event.add("exdate", [regular_start(series, day) for day in sorted(series.skipped)])
    return event


def _moved(series: Series, day: date, stamp: datetime, status: str = "CONFIRMED") -> Event:
    """The event that holds one week at its new time."""
    session = occurrence(series, day)
    event = _event(series, session.start_local, session.end_local, stamp, status)
    event.add("recurrence-id", regular_start(series, day))
    return event


def _event(series: Series, start: datetime, end: datetime, stamp: datetime, status: str = "CONFIRMED") -> Event:
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", series.sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _text(series.title))
    if series.description.strip():
        event.add("description", _text(series.description))
    if series.location.strip():
        event.add("location", _text(series.location))
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _people(series: Series, recipients: Iterable[Person], everyone: bool = True) -> list[Person]:
    """Who to list as attendees: the series' attendees (when `everyone`) and the recipients,
    each once, with the answer the series knows for them."""
    known = {a.email.strip().lower(): a for a in series.attendees}
    people: dict[str, Person] = dict(known) if everyone else {}
    for person in recipients:
        key = person.email.strip().lower()
        people.setdefault(key, known.get(key, person))
    return list(people.values())


def _add_people(event: Event, organizer: Person, people: list[Person], rsvp: bool) -> None:
    event.add("organizer", _address(organizer))
    for person in people:
        address = _address(person)
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        if rsvp:
            address.params["PARTSTAT"] = getattr(person, "partstat", "NEEDS-ACTION")
            address.params["RSVP"] = "TRUE"
        event.add("attendee", address)


def _address(person: Person) -> vCalAddress:
    problem = email_problem(person.email)
    if problem:
        raise ValueError(problem)
    address = vCalAddress(f"mailto:{person.email.strip()}")
    # A name is one line; a parameter value cannot hold quotes or line breaks.
    name = " ".join("".join(c if c.isprintable() else " " for c in person.name).replace('"', "'").split())
    if name:
        address.params["CN"] = name
    return address


def _text(value: str) -> str:
    """User text as iCalendar TEXT allows it: line breaks kept (the library escapes them),
    other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


def _stamp(stamp: datetime | None) -> datetime:
    """DTSTAMP: when the message was made, in UTC (now unless given)."""
    return (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def _check(series: Series) -> None:
    errors = validate_series(series)
    if errors:
        raise ValueError("The series is not valid: " + " ".join(e.message for e in errors))


def calendar_method(ics: bytes | str) -> str:
    """The METHOD of a calendar message, upper case ("" when it has none); ValueError when the
    text is not an iCalendar object."""
    calendar = _parse(ics)
    return str(calendar.get("method", "")).strip().upper()


def parse_reply(ics: bytes | str) -> list[Rsvp]:
    """The answers in a METHOD:REPLY, one per event and attendee, as Outlook, Google and Apple
    send them. Raises ValueError saying what is wrong when it is not a readable reply."""
    calendar = _parse(ics)
    method = str(calendar.get("method", "")).strip().upper()
    if method != "REPLY":
        raise ValueError(f"The calendar is {'a ' + method if method else 'without a METHOD'}, not a REPLY.")
    answers = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("uid", "")).strip()
        if not uid:
            raise ValueError("An event in the reply has no UID.")
        recurrence_id = _moment(event.get("recurrence-id"))
        try:
            sequence = int(event.get("sequence", 0))
        except (TypeError, ValueError):
            raise ValueError(f"The reply's SEQUENCE {event.get('sequence')!r} is not a number.") from None
        attendees = event.get("attendee", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            partstat = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
            if partstat not in PARTSTATS:
                raise ValueError(f"{partstat!r} is not an answer to an invite.")
            answers.append(Rsvp(uid, recurrence_id, _email(attendee), partstat, sequence))
    if not answers:
        raise ValueError("The reply holds no attendee's answer.")
    return answers


def _parse(ics: bytes | str) -> Calendar:
    try:
        calendar = Calendar.from_ical(ics)
    except ValueError as exc:
        raise ValueError(f"This is not an iCalendar object: {exc}") from None
    if calendar.name != "VCALENDAR":
        raise ValueError(f"This is a {calendar.name}, not an iCalendar object (VCALENDAR).")
    return calendar


def _moment(value) -> datetime | date | None:
    if value is None:
        return None
    try:
        moment = value.dt
    except (AttributeError, ValueError):  # icalendar keeps an unreadable value as "broken"
        moment = None
    if not isinstance(moment, date):
        raise ValueError(f"The reply's RECURRENCE-ID {value!r} is not a date or time.")
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return moment


def _email(attendee) -> str:
    value = str(attendee).strip()
    scheme, _, rest = value.partition(":")
    if scheme.lower() == "mailto" and rest.strip():
        return rest.strip().lower()
    if attendee.params.get("EMAIL"):  # Apple may name an attendee by a URN, with EMAIL beside it
        return str(attendee.params["EMAIL"]).strip().lower()
    raise ValueError(f"The attendee {value!r} has no email address.")


def mime_part(ics: bytes, method: str) -> MIMEPart:
    """The text/calendar alternative of an invitation mail (next to its text and HTML), with
    method= naming the body's METHOD. Raises ValueError when the two differ."""
    body_method = _same_method(method, ics)
    part = MIMEPart()
    part.set_content(ics, "text", "calendar", cte="base64", params={"method": body_method, "charset": "utf-8"})
    return part


def check_calendar_part(part) -> str:
    """The method of a text/calendar mail part, after checking that its method= parameter
    matches its body's METHOD; ValueError when it does not."""
    if part.get_content_type() != "text/calendar":
        raise ValueError(f"The part is {part.get_content_type()}, not text/calendar.")
    return _same_method(part.get_param("method") or "", part.get_payload(decode=True))


def _same_method(stated: str, ics: bytes) -> str:
    body_method = calendar_method(ics)
    if stated.strip().upper() != body_method:
        raise ValueError(
            f"The part says method={stated.strip().upper() or 'nothing'} but the calendar's "
            f"METHOD is {body_method or 'missing'}."
        )
    return body_method
